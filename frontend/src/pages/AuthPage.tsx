import { type FormEvent, useState } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { fieldsOf, useAuthMutations, useMe } from "../api.ts";
import { Icon } from "../components/icons.tsx";
import { Field } from "../components/ui.tsx";

export default function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const signup = mode === "signup";
  const { data: me } = useMe();
  const { login, register } = useAuthMutations();
  const mutation = signup ? register : login;
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  if (me) return <Navigate to={location.state?.from || "/accounts"} replace />;

  const error = mutation.error;
  const fieldErrors = { ...fieldsOf(error), ...local };
  const general = error && !Object.keys(fieldsOf(error)).length ? error.message : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems: Record<string, string> = {};
    if (!email.trim()) problems.email = "Enter your email address.";
    if (!password) problems.password = "Enter a password.";
    setLocal(problems);
    if (Object.keys(problems).length) return;
    mutation.mutate({ email, password }, { onSuccess: () => navigate(location.state?.from || "/accounts", { replace: true }) });
  };

  return (
    <div className="auth-page">
      <section className="auth-hero" aria-hidden="true">
        <div className="brand" style={{ padding: 0 }}>
          <span className="brand-mark"><Icon name="scissors" /></span>
          <span>Content Clipper</span>
        </div>
        <h1>Plan, publish and answer on Instagram — from your own server.</h1>
        <ul>
          <li>Schedule reels, carousels and stories</li>
          <li>Reply to comments and DMs in one inbox</li>
          <li>See what works with clear analytics</li>
        </ul>
      </section>
      <div className="auth-form-wrap">
        <form className="auth-card card" onSubmit={submit} noValidate aria-labelledby="auth-title">
          <div>
            <h1 id="auth-title">{signup ? "Create your account" : "Log in"}</h1>
            <p className="muted" style={{ margin: "6px 0 0" }}>
              {signup ? "Start scheduling in under a minute." : "Welcome back."}
            </p>
          </div>
          <Field label="Email" error={fieldErrors.email}>
            {(props) => (
              <input {...props} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <Field
            label="Password"
            error={fieldErrors.password}
            hint={signup ? "At least 10 characters, mixing letters with digits or symbols." : undefined}
          >
            {(props) => (
              <input
                {...props}
                type="password"
                autoComplete={signup ? "new-password" : "current-password"}
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          {general && <div className="alert alert-danger" role="alert">{general}</div>}
          <button type="submit" className="btn btn-primary btn-block" disabled={mutation.isPending}>
            {mutation.isPending ? "Please wait…" : signup ? "Sign up" : "Log in"}
          </button>
          <p className="muted small" style={{ margin: 0, textAlign: "center" }}>
            {signup ? (
              <>Already have an account? <Link to="/login">Log in</Link></>
            ) : (
              <>New here? <Link to="/signup">Create an account</Link></>
            )}
          </p>
        </form>
      </div>
    </div>
  );
}
