import { useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { type Clip, type ConformTarget, fieldsOf, uploadFile, useClipMutations, useClips } from "../api.ts";
import { ClipThumb } from "../components/ClipThumb.tsx";
import { formatBytes } from "../components/format.ts";
import { Icon } from "../components/icons.tsx";
import { Badge, ConfirmDialog, EmptyState, ErrorBox, Field, Modal, PageHeader, ProgressBar, Spinner } from "../components/ui.tsx";

const MEDIA_LABELS: Record<ConformTarget, string> = { IMAGE: "Feed", REELS: "Reels", STORIES: "Story", CAROUSEL_ITEM: "Carousel" };
const ACCEPT = "video/mp4,video/quicktime,image/jpeg,image/png,image/webp";

type Upload = { key: string; name: string; progress: number; state: "uploading" | "done" | "error"; error?: string };

function Uploader() {
  const client = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState<Upload[]>([]);

  const update = (key: string, patch: Partial<Upload>) => setUploads((list) => list.map((item) => (item.key === key ? { ...item, ...patch } : item)));
  const start = (files: FileList | null) => {
    if (!files) return;
    Array.from(files).forEach((file) => {
      const key = `${file.name}-${file.size}-${Math.random()}`;
      setUploads((list) => [...list, { key, name: file.name, progress: 0, state: "uploading" }]);
      uploadFile("/clips", file, (progress) => update(key, { progress }))
        .then(() => {
          update(key, { progress: 1, state: "done" });
          client.invalidateQueries({ queryKey: ["clips"] });
        })
        .catch((error: unknown) => update(key, { state: "error", error: error instanceof Error ? error.message : String(error) }));
    });
  };

  return (
    <section className="card stack" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload clips</h2>
      <div
        className={dragging ? "dropzone dragging" : "dropzone"}
        role="group"
        aria-label="Drop files to upload"
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          start(event.dataTransfer.files);
        }}
      >
        <Icon name="upload" size={30} />
        <strong>Drag and drop videos or images here</strong>
        <span className="muted small">MP4 or MOV videos, JPEG or PNG images — several at once</span>
        <label className="btn btn-primary" htmlFor="clip-files">Choose files</label>
        <input
          ref={input}
          id="clip-files"
          className="sr-only"
          type="file"
          multiple
          accept={ACCEPT}
          aria-label="Choose files to upload"
          onChange={(event) => {
            start(event.target.files);
            event.target.value = "";
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="stack" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Uploads">
          {uploads.map((item) => (
            <li key={item.key} className="upload-item">
              <div className="row-between small">
                <span>{item.name}</span>
                <span className={item.state === "error" ? "field-error" : "muted"}>
                  {item.state === "uploading" ? `${Math.round(item.progress * 100)}%` : item.state === "done" ? "Uploaded" : item.error}
                </span>
              </div>
              <ProgressBar value={item.progress} label={`Upload of ${item.name}`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TrimDialog({ clip, onClose }: { clip: Clip; onClose: () => void }) {
  const { trim } = useClipMutations();
  const [start, setStart] = useState("0");
  const [end, setEnd] = useState(String(Math.min(clip.duration_seconds || 15, 90)));
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...fieldsOf(trim.error), ...local };
  const submit = () => {
    const [from, to] = [Number(start), Number(end)];
    const problems: Record<string, string> = {};
    if (start === "" || !(from >= 0)) problems.start = "Enter a start of 0 seconds or more.";
    if (end === "" || !(to > from)) problems.end = "The end must come after the start.";
    else if (clip.duration_seconds && to > clip.duration_seconds + 0.05) problems.end = `The clip is only ${clip.duration_seconds.toFixed(1)} s long.`;
    setLocal(problems);
    if (!Object.keys(problems).length) trim.mutate({ id: clip.id, start: from, end: to }, { onSuccess: onClose });
  };
  return (
    <Modal
      title={`Trim ${clip.title || clip.filename}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={onClose}>Cancel</button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={trim.isPending}
            onClick={submit}
          >
            Trim
          </button>
        </>
      }
    >
      <p className="muted" style={{ margin: 0 }}>The clip is {clip.duration_seconds?.toFixed(1)} s long. A trimmed copy is made; the original stays.</p>
      <div className="grid grid-2">
        <Field label="Start (seconds)" error={errors.start}>
          {(props) => <input {...props} type="number" min="0" step="0.1" value={start} onChange={(e) => setStart(e.target.value)} />}
        </Field>
        <Field label="End (seconds)" error={errors.end}>
          {(props) => <input {...props} type="number" min="0" step="0.1" value={end} onChange={(e) => setEnd(e.target.value)} />}
        </Field>
      </div>
      {!Object.keys(fieldsOf(trim.error)).length && <ErrorBox error={trim.error} />}
    </Modal>
  );
}

function conformTargets(clip: Clip): [ConformTarget, string][] {
  return clip.kind === "video"
    ? [["REELS", "Conform for Reels"], ["STORIES", "Conform for Story"], ["CAROUSEL_ITEM", "Conform for Feed"]]
    : [["IMAGE", "Conform for Feed"], ["STORIES", "Conform for Story"]];
}

function ClipCard({ clip, onTrim }: { clip: Clip; onTrim: (clip: Clip) => void }) {
  const { conform, remove } = useClipMutations();
  const [confirming, setConfirming] = useState(false);
  const name = clip.title || clip.filename;
  const closeConfirm = () => {
    setConfirming(false);
    remove.reset();
  };
  const qualification = Object.entries(clip.qualification || {}) as [ConformTarget, { ok: boolean; reasons: string[] }][];
  return (
    <article className="card clip-card" aria-label={`Clip ${name}`}>
      <div style={{ position: "relative" }}>
        <ClipThumb clip={clip} />
        <span className="clip-kind"><Badge tone="neutral">{clip.kind}</Badge></span>
      </div>
      <div className="clip-body">
        <div className="row-between">
          <strong style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }} title={name}>{name}</strong>
          {clip.status === "ready" && <Badge tone="success">Ready</Badge>}
          {clip.status === "failed" && <Badge tone="danger">Failed</Badge>}
        </div>
        <div className="muted small">
          {[clip.width && `${clip.width}×${clip.height}`, clip.duration_seconds && `${clip.duration_seconds.toFixed(1)} s`, formatBytes(clip.size_bytes)]
            .filter(Boolean)
            .join(" · ")}
          {clip.parent_clip_id ? " · derived copy" : ""}
        </div>
        {clip.status === "processing" && (
          <div className="stack" style={{ gap: 4 }} aria-live="polite">
            <span className="small">Processing… {clip.progress ?? 0}%</span>
            <ProgressBar value={(clip.progress ?? 0) / 100} label={`Processing ${name}`} />
          </div>
        )}
        {clip.error_message && <div className="alert alert-danger small" role="alert">{clip.error_message}</div>}
        {(clip.upload_fixes || []).length > 0 && (
          <p className="muted small" style={{ margin: 0 }}>
            Fixed on upload: {clip.upload_fixes.join(" ")}
          </p>
        )}
        {clip.status === "ready" && (
          <ul className="qual-list" aria-label="Qualification by media type">
            {qualification.map(([type, result]) => (
              <li key={type}>
                <span className={result.ok ? "qual-ok" : "qual-no"}>
                  <Icon name={result.ok ? "check" : "x"} size={16} label={result.ok ? "qualifies" : "does not qualify"} />
                </span>
                <span>
                  <strong>{MEDIA_LABELS[type] || type}</strong>
                  {result.ok ? " — ready" : `: ${result.reasons.join("; ")}`}
                </span>
              </li>
            ))}
          </ul>
        )}
        {clip.status === "ready" && (
          <div className="row">
            {conformTargets(clip).map(([type, label]) => (
              <button key={type} type="button" className="btn btn-secondary btn-sm" disabled={conform.isPending}
                onClick={() => conform.mutate({ id: clip.id, media_type: type })}>
                {label}
              </button>
            ))}
            {clip.kind === "video" && (
              <button type="button" className="btn btn-secondary btn-sm" onClick={() => onTrim(clip)}>Trim</button>
            )}
            <button type="button" className="btn btn-ghost btn-sm" aria-label={`Delete ${name}`} onClick={() => setConfirming(true)}>
              <Icon name="trash" size={15} />
            </button>
          </div>
        )}
        <ErrorBox error={conform.error} />
      </div>
      {confirming && (
        <ConfirmDialog title={`Delete ${name}?`} confirmLabel="Delete clip" busy={remove.isPending} error={remove.error}
          onCancel={closeConfirm} onConfirm={() => remove.mutate(clip.id, { onSuccess: () => setConfirming(false) })}>
          <p style={{ margin: 0 }}>The clip and its file leave your library. Posts already on Instagram stay there. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}

export default function ClipsPage() {
  const { data: clips, isLoading, error } = useClips();
  const [trimming, setTrimming] = useState<Clip | null>(null);
  return (
    <div className="page">
      <PageHeader title="Clips" subtitle="Your media library. Each clip is checked against Instagram's specs for every format." />
      <Uploader />
      <ErrorBox error={error} />
      {isLoading ? (
        <Spinner label="Loading clips" />
      ) : clips?.length ? (
        <section className="grid grid-cards" aria-label="Clip library">
          {clips.map((clip) => <ClipCard key={clip.id} clip={clip} onTrim={setTrimming} />)}
        </section>
      ) : (
        <div className="card"><EmptyState icon={<Icon name="film" size={36} />} title="No clips yet">Upload a video or an image to get started.</EmptyState></div>
      )}
      {trimming && <TrimDialog clip={trimming} onClose={() => setTrimming(null)} />}
    </div>
  );
}
