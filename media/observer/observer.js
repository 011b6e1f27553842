// The observer panel's script: puts the extension's view on the page (text only, never markup)
// and sends the user's choices back. All data and words come from the extension.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const labels = JSON.parse(document.getElementById('labels').textContent);
  const SVG = 'http://www.w3.org/2000/svg';
  let view;
  let filterTimer;
  let etsFilterTimer;

  const $ = (id) => document.getElementById(id);
  const post = (message) => vscode.postMessage(message);

  function element(tag, options, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(options || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else if (key === 'onClick') node.addEventListener('click', value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  /** Replaces a container's content, keeping keyboard focus on the element with the same data-focus key. */
  function replaceChildren(container, children) {
    const focused = document.activeElement && container.contains(document.activeElement) ? document.activeElement.dataset.focus : undefined;
    container.replaceChildren(...children);
    if (focused) {
      const again = container.querySelector(`[data-focus="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  // Tabs: arrow keys move between them, as in any tab list.
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  function selectTab(tab, focus, quietly) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute('aria-selected', String(selected));
      other.tabIndex = selected ? 0 : -1;
      $(other.getAttribute('aria-controls')).hidden = !selected;
    }
    if (focus) tab.focus();
    if (!quietly) post({ type: 'tab', tab: tab.id.replace('tab-', '') });
  }
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectTab(tab, false));
    tab.addEventListener('keydown', (event) => {
      const index = tabs.indexOf(tab);
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectTab(tabs[(next + tabs.length) % tabs.length], true);
    });
  }

  $('sort').addEventListener('change', (event) => post({ type: 'sort', sort: event.target.value }));
  $('limit').addEventListener('change', (event) => post({ type: 'limit', limit: Number(event.target.value) }));
  $('filter').addEventListener('input', (event) => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => post({ type: 'filter', text: event.target.value }), 300);
  });
  $('ets-filter').addEventListener('input', (event) => {
    clearTimeout(etsFilterTimer);
    etsFilterTimer = setTimeout(() => post({ type: 'etsFilter', text: event.target.value }), 200);
  });
  for (const header of document.querySelectorAll('#ets th[data-key] button')) {
    header.addEventListener('click', () => post({ type: 'etsSort', key: header.parentElement.dataset.key }));
  }
  $('details-close').addEventListener('click', () => post({ type: 'closeDetails' }));
  $('details-kill').addEventListener('click', () => view && view.details && post({ type: 'kill', pid: view.details.pid }));
  $('details-gc').addEventListener('click', () => view && view.details && post({ type: 'gc', pid: view.details.pid }));

  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'view') render(event.data.view);
  });

  function render(next) {
    // A page shown again after it was hidden starts on the tab the user had chosen.
    if (!view) selectTab($(`tab-${next.tab}`), false, true);
    view = next;
    $('status').textContent = view.status;
    document.body.dataset.status = view.statusKind;
    renderOverview(view.overview);
    renderApplications(view.applications, view.children);
    renderProcesses(view.processes);
    renderDetails(view.details);
    renderEts(view.ets);
  }

  function facts(container, pairs) {
    replaceChildren(container, pairs.flatMap(([term, value]) => [element('dt', { text: term }), element('dd', { text: value })]));
  }

  function bar(fraction, level) {
    const fill = element('span', { className: `fill ${level || ''}` });
    fill.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
    return element('span', { className: 'bar', 'aria-hidden': 'true' }, fill);
  }

  function renderOverview(overview) {
    if (!overview) {
      facts($('facts'), []);
      return;
    }
    facts($('facts'), overview.facts);
    replaceChildren($('memory').tBodies[0], overview.memory.map((row) => element('tr', {},
      element('th', { scope: 'row', text: row.label }),
      element('td', { className: 'number', text: row.value }),
      element('td', {}, bar(row.fraction)))));
    replaceChildren($('limits').tBodies[0], overview.limits.map((row) => element('tr', { className: row.level },
      element('th', { scope: 'row', text: row.label }),
      element('td', { className: 'number', text: `${row.count} / ${row.limit}` }),
      element('td', { className: 'number', text: row.percent }),
      element('td', {}, bar(row.fraction, row.level)))));
    replaceChildren($('charts'), overview.charts.map(chart));
  }

  /** A line over the samples, scaled to their own range; drawn as SVG, coloured by the theme. */
  function chart(data) {
    const width = 300;
    const height = 60;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', data.description);
    const values = data.values;
    if (values.length > 1) {
      const max = Math.max(...values);
      const min = Math.min(...values);
      const span = max - min || 1;
      const step = width / (values.length - 1);
      const points = values.map((value, index) => `${(index * step).toFixed(1)},${(height - 2 - ((value - min) / span) * (height - 4)).toFixed(1)}`);
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', points.join(' '));
      line.setAttribute('vector-effect', 'non-scaling-stroke');
      svg.append(line);
    }
    return element('figure', { className: 'chart' }, svg, element('figcaption', { text: data.description }));
  }

  function renderApplications(applications, children) {
    if (!applications) {
      replaceChildren($('applications'), [element('li', { text: labels.loading })]);
      return;
    }
    replaceChildren($('applications'), applications.map((application) => {
      const title = `${application.name} ${application.version}`;
      if (!application.supervisor) {
        return element('li', {}, element('span', { className: 'leaf', text: title }), element('span', { className: 'muted', text: ` — ${labels.noSupervisor}` }));
      }
      return supervisorItem(title, [application.supervisorName, application.description].filter(Boolean).join(' — '), application.supervisor, 'supervisor', children);
    }));
  }

  function supervisorItem(title, subtitle, pid, type, children) {
    const expanded = Object.prototype.hasOwnProperty.call(children, pid);
    const toggle = element('button', {
      className: 'toggle', 'aria-expanded': String(expanded), 'data-focus': `sup-${pid}`,
      onClick: () => post({ type: expanded ? 'collapse' : 'expand', pid }),
    }, element('span', { className: 'twisty', 'aria-hidden': 'true', text: expanded ? '▾' : '▸' }), element('span', { text: title }));
    const item = element('li', {}, toggle, element('span', { className: 'muted', text: ` ${type} ${pid}${subtitle ? ` — ${subtitle}` : ''}` }));
    if (expanded) {
      const content = children[pid];
      const list = element('ul', {});
      if (!content) list.append(element('li', { text: labels.loading }));
      else {
        for (const child of content.children) {
          if (child.type === 'supervisor' && child.pid) list.append(supervisorItem(child.label, child.initialCall !== child.label ? child.initialCall : undefined, child.pid, child.type, children));
          else list.append(element('li', {},
            element('span', { className: 'leaf', text: child.label }),
            element('span', { className: 'muted', text: ` ${child.type} ${child.pid || child.state}` }),
            child.pid ? element('button', { className: 'link', 'data-focus': `child-${child.pid}`, onClick: () => { selectTab($('tab-processes'), false); post({ type: 'details', pid: child.pid }); } }, labels.details) : undefined));
        }
        if (content.more) list.append(element('li', { className: 'muted', text: content.more }));
      }
      item.append(list);
    }
    return item;
  }

  function renderProcesses(processes) {
    if (!processes) {
      $('process-summary').textContent = labels.noData;
      replaceChildren($('processes').tBodies[0], []);
      return;
    }
    $('sort').value = processes.sort;
    $('limit').value = String(processes.limit);
    if (document.activeElement !== $('filter') && $('filter').value !== processes.filter) $('filter').value = processes.filter;
    $('process-summary').textContent = processes.summary;
    $('reductions-header').textContent = processes.reductionsHeader;
    replaceChildren($('processes').tBodies[0], processes.rows.map((row) => element('tr', { 'data-pid': row.pid },
      element('td', {}, element('button', { className: 'link', 'data-focus': `details-${row.pid}`, onClick: () => post({ type: 'details', pid: row.pid }) }, row.pid)),
      element('td', { className: row.named ? 'name' : 'muted', text: row.label }),
      element('td', { text: row.currentFunction }),
      element('td', { className: 'number', text: row.memory }),
      element('td', { className: 'number', text: row.reductions }),
      element('td', { className: 'number', text: row.queue }),
      element('td', { className: 'actions' },
        element('button', { 'data-focus': `kill-${row.pid}`, 'aria-label': `${labels.kill} ${row.pid}`, className: 'danger', onClick: () => post({ type: 'kill', pid: row.pid }) }, labels.kill),
        element('button', { 'data-focus': `gc-${row.pid}`, 'aria-label': `${labels.gc} ${row.pid}`, onClick: () => post({ type: 'gc', pid: row.pid }) }, labels.gc)))));
  }

  function renderDetails(details) {
    $('details').hidden = !details;
    if (!details) return;
    $('details-title').textContent = details.title;
    $('details-note').textContent = details.gone || (details.loading ? labels.loading : '');
    facts($('details-facts'), details.facts || []);
    replaceChildren($('details-stack'), (details.stacktrace || []).map((frame) => element('li', { text: frame })));
    $('details-kill').disabled = Boolean(details.gone);
    $('details-gc').disabled = Boolean(details.gone);
  }

  function renderEts(ets) {
    if (!ets) {
      $('ets-summary').textContent = labels.noData;
      return;
    }
    $('ets-summary').textContent = ets.summary;
    for (const header of document.querySelectorAll('#ets th[data-key]')) {
      header.setAttribute('aria-sort', header.dataset.key === ets.sortKey ? ets.direction : 'none');
    }
    const keys = ['name', 'type', 'size', 'memory', 'owner', 'protection'];
    replaceChildren($('ets').tBodies[0], ets.rows.map((row) => element('tr', {},
      ...keys.map((key) => element('td', { className: key === 'size' || key === 'memory' ? 'number' : undefined, text: key === 'name' && !row.named ? `${row.name} (${row.id})` : row[key] })))));
  }

  post({ type: 'ready' });
}());
