// Signing in: a pasted token, or (a development hub) an example role's token
// from POST /explorer/dev-token. The token lives in the page only.
import { useEffect, useState } from 'react';
import type { DevTokenAnswer, DevTokenChoice, ExplorerConfig } from '../../gateway/explorer-config';
import { hubJson } from '../shared/hub';
import type { Strings } from './i18n';

export function SignIn({ t, token, setToken }: { t: Strings; token: string | null; setToken(t: string | null): void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [roles, setRoles] = useState<DevTokenChoice[] | null>(null);
  const [role, setRole] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!open || roles) return;
    // Development gateways offer example callers (POST /explorer/dev-token); production ones none.
    hubJson<ExplorerConfig>('/explorer/config').then(
      (config) => setRoles(config.devTokens ?? []),
      () => setRoles([]),
    );
  }, [open, roles]);
  const useRole = async () => {
    setProblem(null);
    try {
      const answer = await hubJson<DevTokenAnswer>('/explorer/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
      setToken(answer.token);
      setOpen(false);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  if (token) {
    return (
      <button type="button" onClick={() => setToken(null)} data-testid="sign-out">
        {t.signOut}
      </button>
    );
  }
  return (
    <div className="db-signin">
      <button type="button" aria-expanded={open} aria-controls="db-signin-form" onClick={() => setOpen(!open)} data-testid="sign-in">
        {t.signIn}
      </button>
      {open && (
        <form
          id="db-signin-form"
          className="db-signin-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.trim()) {
              setToken(draft.trim());
              setOpen(false);
            }
          }}
        >
          <label>
            {t.token}
            <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={3} placeholder={t.pasteToken} data-testid="token" />
          </label>
          <button type="submit">{t.signIn}</button>
          {roles && roles.length > 0 && (
            <div className="db-roles">
              <label>
                {t.exampleRole}{' '}
                <select value={role} onChange={(e) => setRole(e.target.value)} data-testid="role">
                  <option value="" />
                  {roles
                    .filter((r) => r.id !== 'anonymous')
                    .map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.label}
                      </option>
                    ))}
                </select>
              </label>
              <button type="button" disabled={!role} onClick={useRole}>
                {t.signIn}
              </button>
            </div>
          )}
          {problem && <p role="alert">{problem}</p>}
        </form>
      )}
    </div>
  );
}
