import type { Account } from "../api.ts";
import { Field } from "./ui.tsx";

type AccountSelectProps = {
  accounts: readonly Account[];
  value: number | null | undefined;
  onChange: (id: number | null) => void;
  label?: string;
  /** When given, a first option with this label stands for every account (`null`). */
  allLabel?: string;
};

/** A labelled picker of the user's Instagram accounts, each shown by its @username. */
export function AccountSelect({ accounts, value, onChange, label = "Account", allLabel }: AccountSelectProps) {
  return (
    <Field label={label}>
      {(props) => (
        <select {...props} value={value ?? ""} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}>
          {allLabel !== undefined && <option value="">{allLabel}</option>}
          {accounts.map((a) => <option key={a.id} value={a.id}>@{a.username}</option>)}
        </select>
      )}
    </Field>
  );
}
