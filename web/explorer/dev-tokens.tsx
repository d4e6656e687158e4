// Development only: a sidebar pane listing example callers; choosing one asks
// the gateway for a development token (POST /explorer/dev-token, absent in
// production) and writes it into the active tab's headers, where it can be
// seen and edited like a pasted one. The schema is then read again with it.
import { useState } from 'react';
import { useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from '@graphiql/react';
import type { DevTokenAnswer, DevTokenChoice } from '../../gateway/explorer-config';
import { hubJson } from '../shared/hub';
import { withAuthorization } from './headers';

/** Sets the active tab's Authorization to a development token for the role (none for `anonymous`). */
export function useApplyDevToken(): (role: string) => Promise<void> {
  const headerEditor = useGraphiQL((state) => state.headerEditor);
  const { updateActiveTabValues, introspect } = useGraphiQLActions();
  return async (role) => {
    const answer = await hubJson<DevTokenAnswer>('/explorer/dev-token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role }),
    });
    const headers = withAuthorization(headerEditor?.getValue(), answer.token);
    headerEditor?.setValue(headers);
    updateActiveTabValues({ headers });
    // Show the headers where the token went (GraphiQL's own tab button).
    document.querySelector<HTMLButtonElement>('.graphiql-editor-tools button[data-name="headers"]')?.click();
    await introspect();
  };
}

function KeyIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <circle cx="8" cy="15" r="4" />
      <path d="M11 12l9-9M16 7l3 3M18 5l2 2" />
    </svg>
  );
}

function DevTokens({ choices }: { choices: DevTokenChoice[] }) {
  const applyDevToken = useApplyDevToken();
  const [state, setState] = useState<{ role: string; error?: string } | null>(null);
  const choose = async (role: string) => {
    setState({ role });
    try {
      await applyDevToken(role);
    } catch (error) {
      setState({ role, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <div className="hub-pane">
      <div className="graphiql-doc-explorer-title">Development tokens</div>
      <p className="hub-note">
        For a hub started with <code>npm start</code> (never offered in production). A choice puts its token in the active tab's <em>Headers</em>, the same
        as <code>npm run token</code> would make it.
      </p>
      <ul className="hub-choices">
        {choices.map((choice) => (
          <li key={choice.id}>
            <button type="button" className="hub-button" onClick={() => void choose(choice.id)} data-role={choice.id}>
              {choice.label}
            </button>
            <span className="hub-note">{choice.description}</span>
            {state?.role === choice.id && (
              <span className={state.error ? 'hub-caller-problem' : 'hub-note'}>{state.error ?? ' Set in this tab’s headers.'}</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function devTokensPlugin(choices: DevTokenChoice[]): GraphiQLPlugin {
  return { title: 'Development tokens', icon: KeyIcon, content: () => <DevTokens choices={choices} /> };
}
