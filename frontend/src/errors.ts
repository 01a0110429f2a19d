// The API's error answers as one Error class (kept apart from the client so pure modules and their
// tests can use it without a browser).
import type { components } from "./generated/openapi.ts";

export type FieldProblem = components["schemas"]["FieldProblem"];
// Every error answer: `error` and `detail`, plus `reasons`/`fields` when the server names them.
export type ErrorBody = { error?: string; detail?: string; reasons?: string[]; fields?: FieldProblem[] };

export class ApiError extends Error {
  readonly status: number;
  readonly error: string;
  readonly fields: Record<string, string>;
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody | null | undefined) {
    super(body?.detail || `Request failed (${status})`);
    this.status = status;
    this.error = body?.error || "Error";
    this.fields = Object.fromEntries((body?.fields || []).map((f) => [lastSegment(f.field), f.message]));
    this.body = body ?? {};
  }
}

// A field error's name as the forms know it: the last segment of its path (`options.alt_text` → `alt_text`).
export const lastSegment = (field: string): string => field.split(".").pop() ?? field;

// The field errors of an error, when it is the API's answer (a network failure has none).
export const fieldsOf = (error: unknown): Record<string, string> => (error instanceof ApiError ? error.fields : {});
