// The edge dashboard: polls /diagnostics every 2 s, keeps the last 5 minutes of samples in this
// tab, and redraws the page. Plain DOM and SVG, no framework, nothing loaded from elsewhere.
// Every server string goes into the page as a text node or an attribute value (el(), textContent),
// never as HTML. Test hooks: data-app, data-workers-ready, data-worker-count on each app card,
// data-worker on each worker row, data-points on each chart, data-polls on <body>, #error[hidden]
// when all is well, data-https on #certificates and data-cert on each certificate row,
// data-hub on #realtime and data-realtime (plus data-grew on the failure counts) on its tiles.
'use strict';

(function () {
  const POLL_MS = 2000;
  const WINDOW_MS = 5 * 60 * 1000;
  const FETCH_TIMEOUT_MS = 10000;
  const SOURCE = document.body.dataset.source || '/diagnostics';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const W = 300;
  const H = 64;

  const overall = [];
  const perApp = new Map();
  let previous = null;
  let hubNow = null;
  let polls = 0;

  // ---- DOM helpers -------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) {
        node.setAttribute(name, String(value));
      }
    }
  }

  // ---- formatting --------------------------------------------------------------------------

  const has = (v) => typeof v === 'number' && Number.isFinite(v);
  const count = (v) => (has(v) ? v.toLocaleString('en-US') : '–');

  function decimal(v) {
    if (!has(v)) return '–';
    if (Number.isInteger(v)) return String(v);
    return v < 1 ? v.toFixed(2) : v < 10 ? v.toFixed(1) : String(Math.round(v));
  }

  function duration(seconds) {
    if (!has(seconds)) return '–';
    const s = Math.floor(seconds);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' m ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' m';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  function clock(iso) {
    if (!iso) return '–';
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString('en-GB');
  }

  const ms = (seconds) => (has(seconds) ? seconds * 1000 : null);
  const mib = (bytes) => (has(bytes) ? (bytes / 1048576).toFixed(1) : '–');

  // ---- samples -----------------------------------------------------------------------------

  // A counter's growth per second since the last poll: none on the first poll or after a
  // counter reset (the edge restarted).
  function perSecond(value, lastValue, t, lastT) {
    const grew = has(value) && has(lastValue) && value >= lastValue && t > lastT;
    return grew ? (value - lastValue) / ((t - lastT) / 1000) : null;
  }

  // One point of a series: the request rate, latencies in ms, and the two gauges.
  function sample(t, requests, lastRequests, lastT, latency, inflight, queue) {
    return {
      t,
      rate: perSecond(requests, lastRequests, t, lastT),
      p50: ms(latency && latency.p50),
      p99: ms(latency && latency.p99),
      inflight: has(inflight) ? inflight : null,
      queue: has(queue) ? queue : null,
    };
  }

  function keep(series, point) {
    series.push(point);
    while (series.length > 0 && series[0].t < point.t - WINDOW_MS) series.shift();
  }

  // The realtime hub's counters now and, from the last poll's, the rates of messages in and
  // deliveries and which failure counts grew; null when the document has no realtime section.
  const HUB_FAILURES = ['dropped', 'slowConsumers', 'eventFailures'];

  function hubSample(realtime, last, t, lastT) {
    if (!realtime || typeof realtime !== 'object' || Array.isArray(realtime)) return null;
    const before = last || {};
    const grew = {};
    for (const key of HUB_FAILURES) {
      grew[key] = has(realtime[key]) && has(before[key]) && realtime[key] > before[key];
    }
    return {
      counts: realtime,
      messageRate: perSecond(realtime.messages, before.messages, t, lastT),
      deliveryRate: perSecond(realtime.deliveries, before.deliveries, t, lastT),
      grew,
    };
  }

  function record(doc, t) {
    const metrics = doc.metrics || {};
    const gauges = doc.gauges || {};
    const apps = new Map((doc.apps || []).map((app) => [app.id, app]));
    const last = previous || { t: 0, total: null, apps: new Map(), realtime: null };
    hubNow = hubSample(doc.realtime, last.realtime, t, last.t);
    keep(overall, sample(t, metrics.requests, last.total, last.t, metrics.latency,
      gauges.inflight, gauges.queueDepth));
    for (const id of [...perApp.keys()]) {
      if (!apps.has(id)) perApp.delete(id);
    }
    for (const [id, app] of apps) {
      if (!perApp.has(id)) perApp.set(id, []);
      keep(perApp.get(id), sample(t, app.requests, last.apps.get(id), last.t, app.latency,
        app.inflight, app.queueDepth));
    }
    previous = {
      t,
      total: metrics.requests,
      apps: new Map([...apps].map(([id, app]) => [id, app.requests])),
      realtime: hubNow ? hubNow.counts : null,
    };
  }

  // ---- charts ------------------------------------------------------------------------------

  // The top of a chart's scale: a round number at least 10% above the largest value.
  function niceCeil(v) {
    if (!(v > 0)) return 1;
    const target = v * 1.1;
    const step = Math.pow(10, Math.floor(Math.log10(target)));
    return step * [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => target <= m * step);
  }

  // A small line chart of some fields of the samples, e.g. [{key:'p50', label:'p50'}, ...].
  function chart(name, title, unit, samples, series) {
    const lines = series.map((s) => samples.filter((p) => has(p[s.key])));
    const drawn = Math.max(0, ...lines.map((points) => points.length));
    const box = svgEl('svg', {
      viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': title,
    });
    const t1 = samples.length ? samples[samples.length - 1].t : 0;
    const t0 = Math.min(t1, ...lines.filter((points) => points.length).map((points) => points[0].t));
    const span = Math.max(t1 - t0, POLL_MS);
    const top = niceCeil(Math.max(0, ...series.flatMap((s, i) => lines[i].map((p) => p[s.key]))));
    const x = (t) => (W - ((t1 - t) / span) * W).toFixed(1);
    const y = (v) => (H - (v / top) * H).toFixed(1);
    series.forEach((s, i) => {
      const points = lines[i];
      if (points.length === 1) {
        box.append(svgEl('circle', {
          class: `dot s${i}`, cx: x(points[0].t), cy: y(points[0][s.key]), r: 2,
        }));
      } else if (points.length > 1) {
        const path = points.map((p, j) => `${j ? 'L' : 'M'}${x(p.t)},${y(p[s.key])}`).join(' ');
        if (series.length === 1) {
          box.append(svgEl('path', {
            class: `area s${i}`, d: `${path} L${x(points[points.length - 1].t)},${H} L${x(points[0].t)},${H} Z`,
          }));
        }
        box.append(svgEl('path', { class: `line s${i}`, d: path }));
      }
    });
    const now = series.map((s, i) => {
      const points = lines[i];
      const value = points.length ? decimal(points[points.length - 1][s.key]) : '–';
      return series.length > 1 ? [el('span', { class: `key s${i}` }), `${s.label} ${value}`] : value;
    });
    return el('figure', { class: 'chart', 'data-chart': name, 'data-points': drawn },
      el('figcaption', {}, el('span', {}, title), el('span', { class: 'now' }, now, ' ' + unit)),
      box,
      el('div', { class: 'axis' }, el('span', {}, `max ${decimal(top)} ${unit}`),
        el('span', {}, drawn > 1 ? `last ${duration((t1 - t0) / 1000)}` : 'waiting for data')));
  }

  function charts(samples) {
    return el('div', { class: 'charts' },
      chart('rate', 'Requests', 'req/s', samples, [{ key: 'rate', label: '' }]),
      chart('latency', 'Latency', 'ms', samples,
        [{ key: 'p50', label: 'p50' }, { key: 'p99', label: 'p99' }]),
      chart('load', 'In flight / queued', '', samples,
        [{ key: 'inflight', label: 'in flight' }, { key: 'queue', label: 'queued' }]));
  }

  // ---- rendering ---------------------------------------------------------------------------

  const tile = (label, value) => el('span', {}, label + ' ', el('b', {}, value));

  function fact(label, value, title) {
    return el('div', {}, el('dt', {}, label), el('dd', { title }, value));
  }

  function renderSummary(doc) {
    const config = doc.config || {};
    const version = doc.version && typeof doc.version === 'object' ? doc.version.server : doc.version;
    const status = document.getElementById('status');
    status.textContent = doc.status || 'unknown';
    status.dataset.status = doc.status || 'unknown';
    const attempt = config.lastAttempt;
    const hosts = doc.hosts || [];
    const facts = [
      fact('version', version || '–'),
      fact('uptime', duration(doc.uptime)),
      fact('config', String(config.version || '–').slice(0, 12), config.source),
      fact('apps / sites / routes', `${count(config.apps)} / ${count(config.sites)} / ${count(config.routes)}`),
      fact('activated', clock(config.activatedAt), config.activatedAt),
      attempt ? fact('last reload', attempt.result || attempt.reason || 'attempted') : null,
      hosts.length ? fact('hosts', hosts.slice(0, 4).join(' ') + (hosts.length > 4 ? ' …' : ''),
        hosts.join(' ')) : null,
    ];
    document.getElementById('summary').replaceChildren(...facts.filter(Boolean));
  }

  function renderOverall(doc) {
    const m = doc.metrics || {};
    const g = doc.gauges || {};
    const r = m.responses || {};
    const q = m.queue || {};
    const rejected = Object.values(m.rejected || {}).reduce((a, b) => a + (has(b) ? b : 0), 0);
    document.getElementById('overall').replaceChildren(
      el('div', { class: 'card-head' }, el('h2', {}, 'All apps'),
        el('div', { class: 'tiles' },
          tile('requests', count(m.requests)),
          tile('2xx / 4xx / 5xx', `${count(r['2xx'])} / ${count(r['4xx'])} / ${count(r['5xx'])}`),
          tile('queued / timeouts / shed', `${count(q.queued)} / ${count(q.timeouts)} / ${count(q.shed)}`),
          tile('rejected', count(rejected)),
          tile('rate limited', count(m.rateLimited)),
          tile('restarts', count(m.workers && m.workers.restarts)),
          tile('workers', count(g.workersActive)),
          tile('connections', count(g.connections)))),
      charts(overall));
  }

  function workerRow(w) {
    return el('tr', { 'data-worker': w.id, 'data-state': w.state },
      el('td', {}, w.id), el('td', {}, w.pid ?? '–'), el('td', {}, w.generation),
      el('td', {}, el('span', { class: 'badge', 'data-state': w.state }, w.state)),
      el('td', {}, count(w.inflight)), el('td', {}, count(w.handled)),
      el('td', { title: w.lastUsed || '' }, clock(w.lastUsed)), el('td', {}, duration(w.uptime)),
      el('td', {}, count(w.restarts)), el('td', {}, mib(w.rss)));
  }

  function appCard(app) {
    const workers = app.workerTable || [];
    const wait = app.queueWait || {};
    const headings = ['id', 'pid', 'gen', 'state', 'in flight', 'handled', 'last used', 'uptime',
      'restarts', 'RSS MiB'];
    return el('section', {
      class: 'card app', 'data-app': app.id, 'data-workers': app.workers,
      'data-workers-ready': app.ready, 'data-worker-count': workers.length,
      'data-degraded': Boolean(app.degraded),
    },
    el('div', { class: 'card-head' }, el('h2', {}, app.id),
      el('span', { class: 'badge', 'data-degraded': Boolean(app.degraded) },
        app.degraded ? 'degraded' : 'ok'),
      el('div', { class: 'tiles' },
        tile('ready', `${count(app.ready)} / ${count(app.workers)}`),
        tile('in flight', count(app.inflight)),
        tile('queue', count(app.queueDepth)),
        tile('requests', count(app.requests)),
        tile('queue wait p99', `${decimal(ms(wait.p99))} ms`))),
    charts(perApp.get(app.id) || []),
    el('table', {},
      el('thead', {}, el('tr', {}, headings.map((h) => el('th', {}, h)))),
      el('tbody', {}, workers.map(workerRow))));
  }

  // ---- certificates ------------------------------------------------------------------------

  // The certificates are the tls section of the same /diagnostics document, so the panel is
  // redrawn on every 2 s poll without a request of its own (the section is a few rows, and the
  // days left stay current). No tls section (null or absent) means the edge runs without HTTPS.
  const DAY_MS = 86400000;
  const SOON_DAYS = 14;

  // "2027-06-01 12:34 UTC" from an ISO instant; '–' for none.
  function utc(iso) {
    if (!iso) return '–';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    return date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }

  // An RFC 2253 attribute value without its escapes (\, \+ ..., and \HH for UTF-8 bytes).
  function unescapeDn(value) {
    const chars = Array.from(value);
    const bytes = [];
    const encoder = new TextEncoder();
    for (let i = 0; i < chars.length; i++) {
      const pair = (chars[i + 1] || '') + (chars[i + 2] || '');
      if (chars[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 2;
      } else {
        if (chars[i] === '\\' && i + 1 < chars.length) i += 1;
        bytes.push(...encoder.encode(chars[i]));
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }

  // The CN of an issuer name as Java prints it (RFC 2253: "CN=edge CA,O=edge"), else the name.
  function commonName(dn) {
    if (!dn) return '–';
    const rdn = /(?:^|[,+])\s*([A-Za-z0-9.-]+)\s*=((?:\\.|[^\\,+])*)/g;
    for (const [, type, value] of String(dn).matchAll(rdn)) {
      if (type.toUpperCase() === 'CN' && !value.startsWith('#')) return unescapeDn(value);
    }
    return String(dn);
  }

  function certRow(c, now) {
    const names = Array.isArray(c.names) ? c.names.map(String) : [];
    const left = Date.parse(c.notAfter) - now;
    const days = Number.isFinite(left) ? Math.floor(left / DAY_MS) : null;
    const expiry = days === null ? 'unknown' : left <= 0 ? 'expired' : days < SOON_DAYS ? 'soon' : 'ok';
    return el('tr', {
      'data-cert': names[0] || c.fingerprint || '', 'data-source': c.source,
      'data-default': Boolean(c.default), 'data-expiry': expiry, 'data-failing': Boolean(c.lastError),
    },
    el('td', { class: 'wrap', title: names.join(' ') }, names.join(', ') || '–'),
    el('td', {}, el('span', { class: 'badge', 'data-source': c.source }, c.source || '–')),
    el('td', {}, c.default ? el('span', { class: 'badge', 'data-default': 'true' }, 'default') : ''),
    el('td', { title: c.issuer || '' }, commonName(c.issuer)),
    el('td', { title: c.notAfter || '' }, utc(c.notAfter)),
    el('td', { class: 'num', 'data-expiry': expiry },
      days === null ? '–' : left <= 0 ? 'expired' : `${days} d`),
    el('td', { title: c.nextRenewal || '' }, utc(c.nextRenewal)),
    c.lastError ? el('td', { class: 'wrap failing' }, String(c.lastError)) : el('td', {}, '–'));
  }

  function renderCertificates(doc) {
    const card = document.getElementById('certificates');
    const tls = doc.tls && typeof doc.tls === 'object' ? doc.tls : null;
    card.dataset.https = tls ? 'on' : 'off';
    const head = (...tiles) => el('div', { class: 'card-head' }, el('h2', {}, 'Certificates'),
      el('div', { class: 'tiles' }, tiles));
    if (!tls) {
      card.replaceChildren(head(), el('p', { id: 'https-off', class: 'muted' },
        'HTTPS is off: the edge serves no certificates.'));
      return;
    }
    const certs = Array.isArray(tls.certificates) ? tls.certificates : [];
    const now = Date.now();
    const rows = certs.map((c) => certRow(c || {}, now));
    const headings = ['names', 'source', 'default', 'issuer', 'not after', 'days left',
      'next renewal', 'last error'];
    card.replaceChildren(
      head(tile('certificates', count(certs.length)),
        tile('expiring soon', count(rows.filter((r) => r.dataset.expiry !== 'ok').length)),
        tile('errors', count(certs.filter((c) => c && c.lastError).length))),
      el('table', { class: 'certs' },
        el('thead', {}, el('tr', {}, headings.map((h) => el('th', {}, h)))),
        el('tbody', {}, rows)));
  }

  // ---- realtime hub ------------------------------------------------------------------------

  // The hub's statistics are the realtime section of the same /diagnostics document: clients and
  // channels now, messages in and deliveries per second between the last two polls, and totals
  // since start. A failure count that grew since the last poll is highlighted (data-grew).
  function hubTile(name, label, value, extra) {
    return el('span', Object.assign({ 'data-realtime': name }, extra || {}),
      label + ' ', el('b', {}, value));
  }

  function hubRate(name, label, rate, total) {
    return hubTile(name, label, has(rate) ? `${decimal(rate)} /s` : '–',
      { title: `${count(total)} since start` });
  }

  function hubFailure(name, label, hub) {
    const grew = hub.grew[name];
    return hubTile(name, label, count(hub.counts[name]), {
      'data-grew': grew,
      title: grew ? 'grew since the last poll' : null,
    });
  }

  function renderRealtime() {
    const card = document.getElementById('realtime');
    const hub = hubNow;
    card.dataset.hub = hub ? 'on' : 'off';
    const head = (...tiles) => el('div', { class: 'card-head' }, el('h2', {}, 'Realtime'),
      el('div', { class: 'tiles' }, tiles));
    if (!hub) {
      card.replaceChildren(head(), el('p', { id: 'realtime-off', class: 'muted' },
        'realtime hub not available'));
      return;
    }
    const c = hub.counts;
    card.replaceChildren(head(
      hubTile('clients', 'clients', count(c.clients)),
      hubTile('groups', 'channels', count(c.groups)),
      hubRate('messages', 'messages in', hub.messageRate, c.messages),
      hubRate('deliveries', 'deliveries', hub.deliveryRate, c.deliveries),
      hubTile('connections', 'connections', count(c.connections)),
      hubTile('published', 'published', count(c.published)),
      hubFailure('dropped', 'dropped', hub),
      hubFailure('slowConsumers', 'slow consumers', hub),
      hubFailure('eventFailures', 'event failures', hub)));
  }

  function render(doc) {
    renderSummary(doc);
    renderOverall(doc);
    document.getElementById('apps').replaceChildren(...(doc.apps || []).map(appCard));
    renderRealtime();
    renderCertificates(doc);
    document.getElementById('updated').textContent = 'Updated ' + new Date().toLocaleTimeString('en-GB') + '.';
  }

  // ---- polling -----------------------------------------------------------------------------

  function showError(kind, message) {
    const box = document.getElementById('error');
    box.dataset.error = kind;
    box.textContent = message;
    box.hidden = false;
    const status = document.getElementById('status');
    status.textContent = kind === 'refused' ? 'no access' : 'unreachable';
    status.dataset.status = 'unreachable';
  }

  function clearError() {
    const box = document.getElementById('error');
    box.hidden = true;
    box.textContent = '';
    delete box.dataset.error;
  }

  // The document, or {kind, message} saying why there is none. Gives up on an answer after 10 s.
  async function fetchDiagnostics() {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT_MS);
    try {
      const res = await fetch(SOURCE, {
        cache: 'no-store', headers: { Accept: 'application/json' }, signal: abort.signal,
      });
      if (res.status === 401 || res.status === 403) {
        return { kind: 'refused', message: `The edge refused ${SOURCE} (HTTP ${res.status}): this `
          + 'client may not read the diagnostics. Open the page from a client the edge allows.' };
      }
      if (!res.ok) {
        return { kind: 'http', message: `${SOURCE} answered HTTP ${res.status}. Retrying every 2 s.` };
      }
      try {
        return { doc: await res.json() };
      } catch (e) {
        if (abort.signal.aborted) throw e;
        return { kind: 'parse', message: `${SOURCE} did not answer JSON: ${e.message}` };
      }
    } catch (e) {
      const why = abort.signal.aborted ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : e.message;
      return { kind: 'network', message: `Cannot reach ${SOURCE}: ${why}. Retrying every 2 s.` };
    } finally {
      clearTimeout(timer);
    }
  }

  async function poll() {
    try {
      const answer = await fetchDiagnostics();
      if (answer.doc) {
        record(answer.doc, Date.now());
        render(answer.doc);
        clearError();
      } else {
        showError(answer.kind, answer.message);
      }
    } catch (e) {
      showError('page', `The dashboard failed to draw: ${e.message}`);
    } finally {
      polls += 1;
      document.body.dataset.polls = String(polls);
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
