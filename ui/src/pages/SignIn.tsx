/**
 * Sign in with username and password; when the account has MFA, a second step asks for the
 * six-digit code and completes the login with the challenge the first step answered.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { intake, type SessionAnswer } from '../api/intake';
import { messageOf } from '../api/http';
import { sessionStore } from '../api/session';
import { ErrorAlert, StatusMessage } from '../components/Alert';

interface Challenge {
  code: string;
  username: string;
}

export function SignIn({ notice }: { notice: string | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [digits, setDigits] = useState('');
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const codeInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Intake';
  }, []);
  useEffect(() => {
    if (challenge) codeInput.current?.focus();
  }, [challenge]);

  function startSession(answer: SessionAnswer, name: string) {
    sessionStore.set({ token: answer.token, expiresAt: answer.expires_at, username: name });
  }

  async function submitPassword(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await intake.login(username.trim(), password);
      if (answer.mfa_enabled && answer.code) {
        setChallenge({ code: answer.code, username: username.trim() });
        setPassword('');
      } else if (answer.token && answer.expires_at) {
        startSession({ status: 'success', token: answer.token, expires_at: answer.expires_at, tenant_id: answer.tenant_id }, username.trim());
      } else {
        setError('The server answered without a token. Is this an Intake server?');
      }
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  async function submitCode(event: FormEvent) {
    event.preventDefault();
    if (!challenge) return;
    const code = digits.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      setError('Enter the six digits your authenticator app shows.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      startSession(await intake.completeMfa(challenge.code, code), challenge.username);
    } catch (e) {
      setError(messageOf(e));
      setDigits('');
      codeInput.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  function backToPassword() {
    setChallenge(null);
    setDigits('');
    setError(null);
  }

  return (
    <main className="signin" id="main">
      <div className="card signin-card">
        <p className="brand-large" aria-hidden="true">
          Intake
        </p>
        {challenge ? (
          <form onSubmit={submitCode} noValidate>
            <h1>Two-step verification</h1>
            <p className="muted">Enter the six-digit code from the authenticator app for {challenge.username}.</p>
            <ErrorAlert>{error}</ErrorAlert>
            <div className="field">
              <label htmlFor="mfa-code">Authentication code</label>
              <input
                id="mfa-code"
                ref={codeInput}
                name="one-time-code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]{6}"
                maxLength={6}
                value={digits}
                onChange={(e) => setDigits(e.target.value.replace(/[^\d]/g, ''))}
                required
              />
            </div>
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Verifying…' : 'Verify'}
              </button>
              <button type="button" className="secondary" onClick={backToPassword}>
                Back
              </button>
            </div>
          </form>
        ) : (
          <form onSubmit={submitPassword}>
            <h1>Sign in</h1>
            {notice && <StatusMessage>{notice}</StatusMessage>}
            <ErrorAlert>{error}</ErrorAlert>
            <div className="field">
              <label htmlFor="username">Username or email</label>
              <input id="username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
            </div>
            <div className="field">
              <label htmlFor="password">Password</label>
              <input id="password" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
            </div>
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Signing in…' : 'Sign in'}
              </button>
            </div>
          </form>
        )}
      </div>
    </main>
  );
}
