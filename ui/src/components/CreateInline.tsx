/** "New client" / "New report": a button that opens a one-field form in place. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { messageOf } from '../api/http';

interface Props {
  /** "client" or "report": used in the button, the label and messages. */
  noun: string;
  disabled?: boolean;
  create(name: string): Promise<void>;
}

export function CreateInline({ noun, disabled, create }: Props) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const id = `new-${noun}-name`;

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  function close() {
    setOpen(false);
    setName('');
    setError(null);
    // Give keyboard users their place back.
    setTimeout(() => opener.current?.focus(), 0);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    event.stopPropagation();
    if (!name.trim()) {
      setError(`Give the ${noun} a name.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await create(name.trim());
      setOpen(false);
      setName('');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <button type="button" ref={opener} className="secondary small" disabled={disabled} onClick={() => setOpen(true)}>
        New {noun}
      </button>
    );
  }
  // A nested <form> is not allowed inside the import form, so this is a group driven by its own button.
  return (
    <div className="inline-create" role="group" aria-label={`New ${noun}`}>
      <label htmlFor={id}>
        New {noun} name
      </label>
      <input
        id={id}
        ref={input}
        value={name}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void submit(e);
          if (e.key === 'Escape') close();
        }}
        maxLength={500}
      />
      <button type="button" className="primary small" disabled={busy} onClick={(e) => void submit(e)}>
        {busy ? 'Creating…' : `Create ${noun}`}
      </button>
      <button type="button" className="secondary small" onClick={close}>
        Cancel
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
