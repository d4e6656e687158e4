// Above the explorer when the schema could not be read: the docs pane and
// autocompletion need it, and where the hub lets only analysts introspect, the
// page says so plainly (and how to get in) instead of leaving the docs blank.
// While no schema is loaded, a change of the active tab's headers (a token
// pasted) loads it again.
import { useEffect, useRef } from 'react';
import { useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import type { ExplorerIntrospection } from '../../gateway/explorer-config';
import { errorsOfAnswer } from '../shared/hub';
import { useApplyDevToken } from './dev-tokens';

interface Props {
  introspection: ExplorerIntrospection;
  /** Whether the hub hands out development tokens (an analyst's among them). */
  devTokens: boolean;
}

export function SchemaNotice({ introspection, devTokens }: Props) {
  const applyDevToken = useApplyDevToken();
  const { schema, fetchError, isIntrospecting, headers, responseEditor } = useGraphiQL((state) => ({
    schema: state.schema,
    fetchError: state.fetchError,
    isIntrospecting: state.isIntrospecting,
    headers: state.tabs[state.activeTabIndex]?.headers ?? null,
    responseEditor: state.responseEditor,
  }));
  const { introspect } = useGraphiQLActions();
  const lastHeaders = useRef(headers);
  const lastError = useRef<string | null>(null);
  if (fetchError) lastError.current = fetchError;

  // GraphiQL leaves a refused introspection's error in the response pane; once the schema loads, it is no longer true.
  useEffect(() => {
    if (schema && lastError.current && responseEditor?.getValue() === lastError.current) responseEditor.setValue('');
    if (schema) lastError.current = null;
  }, [schema, responseEditor]);

  useEffect(() => {
    if (headers === lastHeaders.current) return;
    lastHeaders.current = headers;
    if (schema) return;
    const timer = setTimeout(() => void introspect(), 400);
    return () => clearTimeout(timer);
  }, [headers, schema, introspect]);

  if (schema || isIntrospecting || !fetchError) return null;
  const codes = errorsOfAnswer(fetchError)?.lines.map((line) => line.code) ?? [];
  const refused = codes.includes('FORBIDDEN');
  let text;
  if (refused && introspection === 'analyst') {
    text = (
      <>
        <strong>The schema needs an analyst token.</strong> This hub lets only tokens with the scope <code>analyst</code> read its schema, so the docs and
        autocompletion stay empty. Paste such a token in <em>Headers</em> as <code>{'{"Authorization": "Bearer <token>"}'}</code>: the schema loads as soon
        as the headers change. Queries run either way, with whatever the token in their tab allows.
      </>
    );
  } else if (refused && introspection === 'off') {
    text = (
      <>
        <strong>This hub does not give out its schema</strong> (introspection is off), so there are no docs or autocompletion here. Queries still run.
      </>
    );
  } else if (codes.includes('UNAUTHENTICATED')) {
    text = (
      <>
        <strong>The schema could not be read: the token in Headers was refused</strong> (expired, or not one this hub accepts). Remove it or paste another.
      </>
    );
  } else {
    text = (
      <>
        <strong>The schema could not be read</strong>, so the docs and autocompletion are empty: <code>{fetchError.slice(0, 300)}</code>
      </>
    );
  }
  return (
    <div className="hub-schema-notice" role="alert" data-testid="schema-notice">
      <p>{text}</p>
      <p className="hub-notice-actions">
        {refused && introspection === 'analyst' && devTokens && (
          <button type="button" className="hub-button" onClick={() => void applyDevToken('analyst')}>
            Use a development analyst token
          </button>
        )}
        <button type="button" className="hub-button" onClick={() => void introspect()}>
          Load the schema again
        </button>
      </p>
    </div>
  );
}
