import * as vscode from 'vscode';
import { ETS_SORT_KEYS, type EtsSortKey } from '../core/observer/metrics';
import type { ProcessSort } from '../core/observer/protocol';
import { isPid } from '../core/observer/replyFields';

export type Tab = 'overview' | 'applications' | 'processes' | 'ets';
const TABS: readonly Tab[] = ['overview', 'applications', 'processes', 'ets'];
const SORTS: readonly ProcessSort[] = ['memory', 'reductions', 'message_queue_len'];

/** Messages from the panel's script; anything else is ignored. */
type FromWebview =
  | { type: 'ready' }
  | { type: 'tab'; tab: Tab }
  | { type: 'sort'; sort: ProcessSort }
  | { type: 'filter'; text: string }
  | { type: 'limit'; limit: number }
  | { type: 'expand' | 'collapse' | 'details' | 'kill' | 'gc'; pid: string }
  | { type: 'closeDetails' }
  | { type: 'etsSort'; key: EtsSortKey }
  | { type: 'etsFilter'; text: string };

export function parseMessage(message: unknown): FromWebview | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type } = message as { type?: unknown };
  const field = (name: string): unknown => (message as Record<string, unknown>)[name];
  const pid = field('pid');
  switch (type) {
    case 'ready':
    case 'closeDetails':
      return { type };
    case 'tab':
      return TABS.includes(field('tab') as Tab) ? { type, tab: field('tab') as Tab } : undefined;
    case 'sort':
      return SORTS.includes(field('sort') as ProcessSort) ? { type, sort: field('sort') as ProcessSort } : undefined;
    case 'filter':
    case 'etsFilter':
      return typeof field('text') === 'string' ? { type, text: field('text') as string } : undefined;
    case 'limit':
      return typeof field('limit') === 'number' ? { type, limit: field('limit') as number } : undefined;
    case 'etsSort':
      return ETS_SORT_KEYS.includes(field('key') as EtsSortKey) ? { type, key: field('key') as EtsSortKey } : undefined;
    case 'expand':
    case 'collapse':
    case 'details':
    case 'kill':
    case 'gc':
      return typeof pid === 'string' && isPid(pid) ? { type, pid } : undefined;
    default:
      return undefined;
  }
}

/** The page: a strict policy (this panel's own script and style only, nothing remote), static labels, and the script that fills it. */
export function panelHtml(webview: vscode.Webview, media: vscode.Uri, node: string, nonce: string): string {
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'observer.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'observer.css'));
  const t = (text: string): string => escapeHtml(text);
  const tab = (id: Tab, label: string, selected: boolean): string =>
    `<button role="tab" id="tab-${id}" aria-controls="panel-${id}" aria-selected="${selected}" tabindex="${selected ? 0 : -1}">${t(label)}</button>`;
  return `<!DOCTYPE html>
<html lang="${t(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${t(vscode.l10n.t('Observe {0}', node))}</title>
</head>
<body>
<header>
<h1 id="node">${t(node)}</h1>
<p id="status" role="status" aria-live="polite"></p>
</header>
<div role="tablist" aria-label="${t(vscode.l10n.t('Observer views'))}">
${tab('overview', vscode.l10n.t('Overview'), true)}
${tab('applications', vscode.l10n.t('Applications'), false)}
${tab('processes', vscode.l10n.t('Processes'), false)}
${tab('ets', vscode.l10n.t('ETS Tables'), false)}
</div>
<section role="tabpanel" id="panel-overview" aria-labelledby="tab-overview" tabindex="0">
<dl id="facts" class="facts"></dl>
<div class="columns">
<div><h2>${t(vscode.l10n.t('Memory'))}</h2><table id="memory" class="bars"><tbody></tbody></table></div>
<div><h2>${t(vscode.l10n.t('System limits'))}</h2><table id="limits" class="bars"><tbody></tbody></table></div>
</div>
<div id="charts" class="charts"></div>
</section>
<section role="tabpanel" id="panel-applications" aria-labelledby="tab-applications" hidden>
<p class="hint">${t(vscode.l10n.t('Each running application with its supervision tree; expand a supervisor to see its children.'))}</p>
<ul id="applications" class="tree"></ul>
</section>
<section role="tabpanel" id="panel-processes" aria-labelledby="tab-processes" hidden>
<div class="toolbar">
<label>${t(vscode.l10n.t('Top by'))} <select id="sort">
<option value="memory">${t(vscode.l10n.t('Memory'))}</option>
<option value="reductions">${t(vscode.l10n.t('Reductions per interval'))}</option>
<option value="message_queue_len">${t(vscode.l10n.t('Message queue length'))}</option>
</select></label>
<label>${t(vscode.l10n.t('Rows'))} <select id="limit"><option>20</option><option selected>50</option><option>100</option><option>500</option></select></label>
<label>${t(vscode.l10n.t('Filter by name or module'))} <input id="filter" type="search" maxlength="100" spellcheck="false"></label>
</div>
<p id="process-summary" class="hint"></p>
<table id="processes" class="grid">
<thead><tr><th scope="col">${t(vscode.l10n.t('Process'))}</th><th scope="col">${t(vscode.l10n.t('Name or initial call'))}</th><th scope="col">${t(vscode.l10n.t('Current function'))}</th><th scope="col" class="number">${t(vscode.l10n.t('Memory'))}</th><th scope="col" class="number" id="reductions-header">${t(vscode.l10n.t('Reductions'))}</th><th scope="col" class="number">${t(vscode.l10n.t('Queue'))}</th><th scope="col">${t(vscode.l10n.t('Actions'))}</th></tr></thead>
<tbody></tbody>
</table>
<section id="details" class="details" aria-labelledby="details-title" hidden>
<h2 id="details-title"></h2>
<p id="details-note"></p>
<dl id="details-facts" class="facts"></dl>
<h3>${t(vscode.l10n.t('Current stacktrace'))}</h3>
<ol id="details-stack" class="stack"></ol>
<div class="actions">
<button id="details-kill" class="danger">${t(vscode.l10n.t('Kill…'))}</button>
<button id="details-gc">${t(vscode.l10n.t('Garbage-Collect…'))}</button>
<button id="details-close">${t(vscode.l10n.t('Close Details'))}</button>
</div>
</section>
</section>
<section role="tabpanel" id="panel-ets" aria-labelledby="tab-ets" hidden>
<div class="toolbar"><label>${t(vscode.l10n.t('Filter by name or owner'))} <input id="ets-filter" type="search" maxlength="100" spellcheck="false"></label></div>
<p id="ets-summary" class="hint"></p>
<table id="ets" class="grid">
<thead><tr>
${ETS_SORT_KEYS.map((key) => `<th scope="col" data-key="${key}"${key === 'size' || key === 'memory' ? ' class="number"' : ''}><button class="sort">${t(etsHeader(key))}</button></th>`).join('\n')}
</tr></thead>
<tbody></tbody>
</table>
</section>
<script nonce="${nonce}" id="labels" type="application/json">${jsonForScript({
    kill: vscode.l10n.t('Kill…'),
    gc: vscode.l10n.t('Garbage-Collect…'),
    details: vscode.l10n.t('Details'),
    expand: vscode.l10n.t('Expand'),
    noSupervisor: vscode.l10n.t('library application: no processes'),
    loading: vscode.l10n.t('Loading…'),
    noData: vscode.l10n.t('No data yet.'),
  })}</script>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

function etsHeader(key: EtsSortKey): string {
  switch (key) {
    case 'name': return vscode.l10n.t('Name');
    case 'type': return vscode.l10n.t('Type');
    case 'size': return vscode.l10n.t('Objects');
    case 'memory': return vscode.l10n.t('Memory');
    case 'owner': return vscode.l10n.t('Owner');
    case 'protection': return vscode.l10n.t('Protection');
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** JSON safe inside a script element: no `<` that could close it. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
