/**
 * The signed-in session: the token lives in memory and in sessionStorage (so a reload keeps it,
 * closing the tab forgets it). Nothing else in the dashboard reads sessionStorage for the token.
 */
export interface Session {
  token: string;
  /** ISO time the token stops working. */
  expiresAt: string;
  username: string;
}

const STORAGE_KEY = 'intake.session';
type Listener = () => void;

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Session;
    if (typeof parsed.token !== 'string' || Date.parse(parsed.expiresAt) <= Date.now()) return null;
    return parsed;
  } catch {
    return null;
  }
}

let current: Session | null = load();
/** Why the last session ended without the user signing out, shown on the sign-in page. */
let endedBecause: string | null = null;
const listeners = new Set<Listener>();

function emit() {
  for (const listener of listeners) listener();
}

export const sessionStore = {
  get: (): Session | null => current,
  token: (): string | null => current?.token ?? null,
  endedBecause: (): string | null => endedBecause,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  set(session: Session) {
    current = session;
    endedBecause = null;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    emit();
  },
  clear(reason: string | null = null) {
    if (!current) return;
    current = null;
    endedBecause = reason;
    sessionStorage.removeItem(STORAGE_KEY);
    emit();
  },
};
