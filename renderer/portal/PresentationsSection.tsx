// The portal's presentations (POR-2): the running presentations their presenters chose to list,
// and a key form for the others; the attendee gives a name and joins in this page. The site may
// hide the list (Support Portal page): then only the key form is shown.
import { useEffect, useState, type FormEvent } from 'react';
import { ListedPresentations } from '../../src/protocol/presentations.ts';
import { PresentationAttendee } from './PresentationAttendee.tsx';
import { ps } from './presentation-strings.ts';

type Listed = ListedPresentations['presentations'];

export function PresentationsSection({ showList }: { showList: boolean }) {
  const [list, setList] = useState<Listed>([]);
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [joining, setJoining] = useState<{ key: string } | { presentationId: string } | null>(null);

  useEffect(() => {
    if (!showList) return setList([]);
    let stop = false;
    const load = () =>
      fetch('/api/v1/portal/presentations')
        .then((r) => r.json())
        .then((b) => !stop && setList(ListedPresentations.parse(b).presentations))
        .catch(() => undefined);
    void load();
    const t = setInterval(load, 5000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [showList]);

  if (joining) {
    return (
      <PresentationAttendee
        how={joining}
        name={name.trim()}
        onDone={(e) => {
          setJoining(null);
          setError(e ?? null);
        }}
      />
    );
  }
  const join = (how: { key: string } | { presentationId: string }) => {
    if (!name.trim()) return setError(ps.nameRequired);
    setError(null);
    setJoining(how);
  };
  return (
    <section aria-labelledby="presentations" className="portal presentations">
      <h2 id="presentations">{ps.presentations}</h2>
      {error && <p role="alert" className="error">{error}</p>}
      <label className="field">
        {ps.yourName}
        <input value={name} maxLength={64} autoComplete="name" onChange={(e) => setName(e.target.value)} />
      </label>
      {!showList ? null : list.length === 0 ? (
        <p>{ps.noPresentations}</p>
      ) : (
        <ul className="reps">
          {list.map((p) => (
            <li key={p.presentationId}>
              <button type="button" aria-label={ps.joinNamed(p.name)} onClick={() => join({ presentationId: p.presentationId })}>
                {p.name}
              </button>{' '}
              <span>{ps.byPresenter(p.presenterName)}</span>
            </li>
          ))}
        </ul>
      )}
      <form className="key-form" onSubmit={(e: FormEvent) => (e.preventDefault(), join({ key }))}>
        <label className="field">
          {ps.keyLabel}
          <input name="presentation-key" value={key} inputMode="numeric" autoComplete="off" maxLength={32} onChange={(e) => setKey(e.target.value)} />
        </label>
        <button disabled={!key.trim()}>{ps.join}</button>
      </form>
    </section>
  );
}
