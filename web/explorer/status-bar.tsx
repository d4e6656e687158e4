// Below the response: who the active tab asks as (its token's claims), and
// the errors of its last answer with their code, agency and field, so that an
// analyst notices them without reading the JSON.
import { useGraphiQL } from '@graphiql/react';
import { errorsOfAnswer, type ErrorSummaryLine } from '../shared/hub';
import { callerOf, type Caller } from './headers';

function expiry(exp: number | undefined): string {
  if (!exp) return '';
  const minutes = Math.round((exp * 1000 - Date.now()) / 60_000);
  return minutes <= 0 ? ' · expired' : ` · expires in ${minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`}`;
}

function CallerLine({ caller }: { caller: Caller }) {
  if (caller.kind === 'anonymous') {
    return (
      <p className="hub-caller">
        Asking as <strong>anonymous</strong> (no token in this tab's headers): public data only.
      </p>
    );
  }
  if (caller.kind === 'unreadable') {
    return (
      <p className="hub-caller hub-caller-problem">
        Headers: {caller.reason}. Example: <code>{'{"Authorization": "Bearer eyJ..."}'}</code>
      </p>
    );
  }
  const { sub, agency, scope, regions, exp } = caller.claims;
  return (
    <p className="hub-caller" data-testid="caller">
      Asking as <strong>{sub ?? 'unknown'}</strong>
      {agency ? ` (${agency})` : ''} · scopes <code>{scope?.trim() ? scope : 'none'}</code> · regions{' '}
      <code>{regions?.length ? regions.join(' ') : 'all'}</code>
      {expiry(exp)} <span className="hub-note">(as the token says; the hub verifies it on every request)</span>
    </p>
  );
}

/** The same error said once, with how many times it came (one per failed call, e.g.). */
function grouped(lines: ErrorSummaryLine[]): { line: ErrorSummaryLine; times: number }[] {
  const groups = new Map<string, { line: ErrorSummaryLine; times: number }>();
  for (const line of lines) {
    const key = JSON.stringify(line);
    const group = groups.get(key);
    if (group) group.times++;
    else groups.set(key, { line, times: 1 });
  }
  return [...groups.values()];
}

function ErrorLine({ line, times }: { line: ErrorSummaryLine; times: number }) {
  return (
    <li>
      {times > 1 && <strong>{times} × </strong>}
      <code className="hub-error-code">{line.code}</code>
      {line.agency && (
        <>
          {' '}
          from agency <strong className="hub-error-agency">{line.agency}</strong>
        </>
      )}
      {line.field && (
        <>
          {' '}
          field <code>{line.field}</code>
        </>
      )}
      {line.path && (
        <>
          {' '}
          at <code>{line.path}</code>
        </>
      )}
      {line.message && <span className="hub-error-message">: {line.message}</span>}
    </li>
  );
}

export function StatusBar() {
  const { response, headers } = useGraphiQL((state) => ({
    response: state.tabs[state.activeTabIndex]?.response ?? null,
    headers: state.tabs[state.activeTabIndex]?.headers ?? null,
  }));
  const answer = errorsOfAnswer(response);
  const count = answer?.lines.length ?? 0;
  return (
    <div className="hub-status">
      <CallerLine caller={callerOf(headers)} />
      {answer && count > 0 && (
        <div className="hub-errors" role="alert" data-testid="error-summary">
          <strong>
            {count === 1 ? '1 error' : `${count} errors`}
            {answer.hasData ? ', with partial data' : ', no data'}
          </strong>
          <ul>
            {grouped(answer.lines).map(({ line, times }, index) => (
              <ErrorLine key={index} line={line} times={times} />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
