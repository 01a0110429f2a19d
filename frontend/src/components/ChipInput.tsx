// A text input that turns what is typed into chips (split on spaces and commas, a leading # or @ dropped).
import { useState } from "react";
import { Field } from "./ui.tsx";

type ChipInputProps = {
  label: string;
  values: string[];
  onChange: (values: string[]) => void;
  prefix: string;
  placeholder?: string;
  error?: string;
  hint?: string;
};

export function ChipInput({ label, values, onChange, prefix, placeholder, error, hint }: ChipInputProps) {
  const [text, setText] = useState("");
  const add = () => {
    const parts = text.split(/[\s,]+/).map((part) => part.replace(/^[#@]/, "")).filter(Boolean);
    if (parts.length) onChange([...values, ...parts.filter((part) => !values.includes(part))]);
    setText("");
  };
  return (
    <Field label={label} error={error} hint={hint}>
      {(props) => (
        <div className="stack" style={{ gap: 8 }}>
          <div className="row" style={{ flexWrap: "nowrap" }}>
            <input {...props} value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); add(); } }} />
            <button type="button" className="btn btn-secondary" onClick={add} aria-label={`Add ${label.toLowerCase()}`}>Add</button>
          </div>
          {values.length > 0 && (
            <div className="chips">
              {values.map((value) => (
                <span key={value} className="chip">
                  {prefix}{value}
                  <button type="button" aria-label={`Remove ${prefix}${value}`} onClick={() => onChange(values.filter((v) => v !== value))}>×</button>
                </span>
              ))}
            </div>
          )}
        </div>
      )}
    </Field>
  );
}
