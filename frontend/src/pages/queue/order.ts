// The queue page's pure helpers: moving a post in the order, merging slots, naming them.
import type { QueueSlot } from "../../api/queue.ts";

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

// The ids with the one at `from` moved to `to` (clamped to the list); the same order when it cannot move.
export function moved(ids: readonly number[], from: number, to: number): number[] {
  const target = Math.max(0, Math.min(ids.length - 1, to));
  if (from < 0 || from >= ids.length || target === from) return [...ids];
  const next = [...ids];
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item);
  return next;
}

const key = (slot: QueueSlot) => `${slot.weekday}-${slot.time}`;

// Every slot once, in week order (Monday first, then by time).
export function mergedSlots(...lists: readonly (readonly QueueSlot[])[]): QueueSlot[] {
  const unique = new Map<string, QueueSlot>();
  lists.flat().forEach((slot) => unique.set(key(slot), { weekday: slot.weekday, time: slot.time }));
  return [...unique.values()].sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time));
}

export const withoutSlot = (slots: readonly QueueSlot[], gone: QueueSlot): QueueSlot[] =>
  slots.filter((slot) => key(slot) !== key(gone));

// A slot time in the queue's time zone, e.g. "Tue 8 Dec, 09:00".
export function slotTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString([], {
    timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
}
