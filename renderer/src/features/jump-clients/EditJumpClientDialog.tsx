// Edits a Jump Client's tag and comments in a modal dialog (native <dialog>: focus and Escape).
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { JumpClientView } from '../../../../src/protocol/jump.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

export function EditJumpClientDialog(p: { client: JumpClientView; onClose(): void; onSave(body: { tag: string; comments: string }): Promise<void> }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [tag, setTag] = useState(p.client.tag);
  const [comments, setComments] = useState(p.client.comments);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await p.onSave({ tag, comments });
    } catch (err) {
      setError(err);
      setSaving(false);
    }
  };
  const host = p.client.hostName || p.client.id;
  return (
    <dialog ref={ref} aria-labelledby={titleId} className="confirm" onCancel={(e) => (e.preventDefault(), p.onClose())}>
      <h2 id={titleId}>{t('jump.editTitle', { host })}</h2>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('jump.tag')}
          <input value={tag} maxLength={64} onChange={(e) => setTag(e.target.value)} autoFocus />
        </label>
        <label>
          {t('jump.comments')}
          <textarea value={comments} maxLength={500} rows={3} onChange={(e) => setComments(e.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" onClick={p.onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" disabled={saving}>
            {t('jump.save')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
