import { useState } from "react";
import { type QueueSlot, type QueueView, useQueueMutations, useQueueSuggestions } from "../../api/queue.ts";
import { Icon } from "../../components/icons.tsx";
import { ErrorBox, Field } from "../../components/ui.tsx";
import { WEEKDAYS, mergedSlots, withoutSlot } from "./order.ts";

const ZONES: string[] = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

// The weekly slots and the queue's time zone; every change is saved at once (the server validates it).
export function SlotsEditor({ queue }: { queue: QueueView }) {
  const { setSlots } = useQueueMutations(queue.account_id);
  const suggestions = useQueueSuggestions(queue.account_id);
  const [weekday, setWeekday] = useState(0);
  const [time, setTime] = useState("09:00");
  const zones = ZONES.includes(queue.timezone) ? ZONES : [queue.timezone, ...ZONES];
  const save = (slots: QueueSlot[], timezone = queue.timezone) => setSlots.mutate({ timezone, slots });

  return (
    <section className="card stack" aria-labelledby="slots-title">
      <h2 id="slots-title">Weekly time slots</h2>
      <Field label="Time zone" hint="Slots are wall-clock times there; daylight saving is taken care of.">
        {(props) => (
          <select {...props} value={queue.timezone} onChange={(e) => save(queue.slots, e.target.value)}>
            {zones.map((zone) => <option key={zone} value={zone}>{zone}</option>)}
          </select>
        )}
      </Field>
      {queue.slots.length ? (
        <ul className="stack" aria-label="Time slots">
          {queue.slots.map((slot) => (
            <li key={`${slot.weekday}-${slot.time}`} className="row-between">
              <span>{WEEKDAYS[slot.weekday]} {slot.time}</span>
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => save(withoutSlot(queue.slots, slot))}
                aria-label={`Remove ${WEEKDAYS[slot.weekday]} ${slot.time}`}>
                <Icon name="x" />
              </button>
            </li>
          ))}
        </ul>
      ) : <p className="muted">No slots yet: add some, or accept the suggestions.</p>}
      <div className="row" style={{ alignItems: "flex-end" }}>
        <Field label="Day">
          {(props) => (
            <select {...props} value={weekday} onChange={(e) => setWeekday(Number(e.target.value))}>
              {WEEKDAYS.map((name, index) => <option key={name} value={index}>{name}</option>)}
            </select>
          )}
        </Field>
        <Field label="Time">
          {(props) => <input {...props} type="time" value={time} onChange={(e) => setTime(e.target.value)} />}
        </Field>
        <button type="button" className="btn btn-secondary" disabled={!time}
          onClick={() => save(mergedSlots(queue.slots, [{ weekday, time }]))}>
          <Icon name="plus" /> Add slot
        </button>
      </div>
      <ErrorBox error={setSlots.error} />
      <div className="stack">
        <div className="row">
          <button type="button" className="btn btn-secondary" onClick={() => void suggestions.refetch()} disabled={suggestions.isFetching}>
            Suggest slots from best times
          </button>
          {suggestions.data && (
            <button type="button" className="btn btn-primary" onClick={() => save(mergedSlots(queue.slots, suggestions.data.slots))}>
              <Icon name="check" /> Accept all suggestions
            </button>
          )}
        </div>
        <ErrorBox error={suggestions.error} />
        {suggestions.data && (
          <ul className="row" aria-label="Suggested slots">
            {suggestions.data.slots.map((slot) => (
              <li key={`${slot.weekday}-${slot.time}`}>
                <button type="button" className="btn btn-ghost btn-sm" title={`Score ${slot.score}`}
                  onClick={() => save(mergedSlots(queue.slots, [slot]))}>
                  <Icon name="plus" /> {WEEKDAYS[slot.weekday].slice(0, 3)} {slot.time}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
