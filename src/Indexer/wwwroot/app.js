// retrieval: the search page. Plain JavaScript, no build step; talks only to /api (see /openapi.json).
'use strict';

const params = new URLSearchParams(location.search);
// Results per request; ?top=N in the address changes it (1..100).
const PAGE = Math.min(100, Math.max(1, Number(params.get('top')) || 24));
const DEBOUNCE_MS = 180;
const THUMB = 320;
const SVG = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('search-form'), q: $('q'), summary: $('summary'), message: $('message'), results: $('results'),
  more: $('more'), moreButton: $('more-button'), sentinel: $('sentinel'),
  status: $('status-text'), progress: $('status-progress'), keyForm: $('key-form'), key: $('key'),
  viewer: $('viewer'), title: $('viewer-title'), time: $('viewer-time'), score: $('viewer-score'),
  stage: $('stage'), canvas: $('canvas'), image: $('viewer-image'), overlay: $('viewer-overlay'),
  textLayer: $('text-layer'), lines: $('line-list'), linesSummary: $('lines-summary'),
  copy: $('copy-text'), open: $('viewer-open'), prev: $('viewer-prev'), next: $('viewer-next'), close: $('viewer-close'),
};

const state = {
  query: '', items: [], total: 0, loading: false, seq: 0, abort: null, timer: 0,
  viewing: -1, viewText: null, counts: null, indexer: null, needKey: false,
};

// ---- API -----------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = localStorage.getItem('retrieval-key');
  if (key) headers.set('X-Api-Key', key);
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    if (response.status === 401) askForKey();
    throw new ApiError(response.status, detail);
  }
  return response.status === 204 ? null : response.json();
}

function askForKey() {
  state.needKey = true;
  ui.keyForm.hidden = false;
}

ui.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = ui.key.value.trim();
  localStorage.setItem('retrieval-key', key);
  // Image requests cannot send headers; the server reads the key from this cookie for reads only.
  document.cookie = `retrieval-key=${encodeURIComponent(key)}; path=/; SameSite=Strict`;
  ui.keyForm.hidden = true;
  state.needKey = false;
  refreshStatus();
  if (state.query) search(state.query);
});

// ---- Search --------------------------------------------------------------------------------

ui.q.addEventListener('input', () => {
  clearTimeout(state.timer);
  state.timer = setTimeout(() => search(ui.q.value), DEBOUNCE_MS);
});

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  clearTimeout(state.timer);
  if (ui.q.value.trim() !== state.query || state.items.length === 0) search(ui.q.value);
  else focusCard(0);
});

ui.q.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' && state.items.length > 0) {
    event.preventDefault();
    focusCard(0);
  } else if (event.key === 'Escape' && ui.q.value) {
    ui.q.value = '';
    search('');
  }
});

async function search(text) {
  const query = text.trim();
  state.query = query;
  const seq = ++state.seq;
  state.abort?.abort();
  const address = new URLSearchParams(location.search);
  if (query) address.set('q', query);
  else address.delete('q');
  history.replaceState(null, '', address.size > 0 ? `?${address}` : location.pathname);
  if (!query) {
    state.items = [];
    state.total = 0;
    ui.results.replaceChildren();
    ui.more.hidden = true;
    ui.summary.textContent = '';
    showMessage(null);
    return;
  }
  await fetchPage(query, 0, seq, true);
}

async function loadMore() {
  if (state.loading || !state.query || state.items.length >= state.total) return;
  await fetchPage(state.query, state.items.length, state.seq, false);
}

async function fetchPage(query, offset, seq, replace) {
  const abort = new AbortController();
  state.abort = abort;
  state.loading = true;
  ui.summary.textContent = replace ? 'Searching…' : ui.summary.textContent;
  try {
    const page = await api(`/api/search?q=${encodeURIComponent(query)}&top=${PAGE}&offset=${offset}`, { signal: abort.signal });
    if (seq !== state.seq) return;
    if (replace) {
      state.items = [];
      ui.results.replaceChildren();
      window.scrollTo({ top: 0 });
    }
    state.total = page.totalMatches;
    const start = state.items.length;
    state.items.push(...page.results);
    const fragment = document.createDocumentFragment();
    page.results.forEach((item, i) => fragment.append(card(item, start + i)));
    ui.results.append(fragment);
    ui.summary.textContent = state.total === 0 ? ''
      : `${state.total.toLocaleString()} image${state.total === 1 ? '' : 's'} match “${query}” · ${page.milliseconds.toFixed(0)} ms`;
    showMessage(state.total === 0 ? emptyMessage(query) : null);
    ui.more.hidden = state.items.length >= state.total;
  } catch (error) {
    if (error.name === 'AbortError' || seq !== state.seq) return;
    ui.summary.textContent = '';
    if (replace) {
      state.items = [];
      ui.results.replaceChildren();
    }
    showMessage(errorMessage(error));
  } finally {
    if (state.abort === abort) state.loading = false;
  }
  // A tall screen may show the sentinel before any scrolling.
  if (seq === state.seq && isVisible(ui.sentinel)) loadMore();
}

function card(item, index) {
  const li = document.createElement('li');
  li.className = 'card';
  const a = document.createElement('a');
  a.href = item.image;
  a.dataset.index = String(index);
  a.dataset.id = String(item.id);
  const words = [...new Set(item.matches.map((m) => m.text))];
  a.setAttribute('aria-label', `${item.path}, score ${item.score.toFixed(2)}, matched ${words.join(', ')}`);

  const thumb = document.createElement('div');
  thumb.className = 'thumb';
  const img = document.createElement('img');
  img.loading = 'lazy';
  img.decoding = 'async';
  img.alt = '';
  img.src = `${item.thumbnail}?size=${THUMB}`;
  thumb.append(img);
  if (item.width > 0 && item.height > 0) thumb.append(overlay(item.width, item.height, [], item.matches));

  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.append(span('path', item.path), span('score', item.score.toFixed(2)), span('words', words.map((w) => `“${w}”`).join(' ')));
  if (item.video) meta.append(span('time', `▶ ${clock(item.video.seconds)} in ${item.video.path}`));
  a.append(thumb, meta);
  a.addEventListener('click', (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openViewer(index);
  });
  li.append(a);
  return li;
}

function span(className, text) {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}

/** An SVG over an image of width x height (same box, same fit) with line and match outlines. */
function overlay(width, height, lines, matches, svg = document.createElementNS(SVG, 'svg')) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  svg.setAttribute('aria-hidden', 'true');
  lines.forEach((line, i) => svg.append(polygon(line.quad, 'line', line.text, i)));
  matches.forEach((m) => svg.append(polygon(m.quad, 'match', m.text)));
  return svg;
}

function polygon(quad, className, text, index) {
  const p = document.createElementNS(SVG, 'polygon');
  p.setAttribute('points', quad.map(([x, y]) => `${x},${y}`).join(' '));
  p.setAttribute('class', className);
  p.dataset.text = text;
  if (index !== undefined) p.dataset.line = String(index);
  return p;
}

function emptyMessage(query) {
  const tries = [];
  const words = query.replace(/"/g, ' ').split(/\s+/).filter(Boolean);
  if (query.includes('"')) tries.push(['the words without quotes, in any order', words.join(' ')]);
  if (words.length > 1) {
    const longest = [...words].sort((a, b) => b.length - a.length)[0];
    tries.push(['one word on its own', longest]);
  }
  if (words.length === 1 && words[0].length > 5) tries.push(['part of the word (the reader may have misread a letter)', words[0].slice(0, Math.ceil(words[0].length * 0.6))]);
  const box = document.createElement('div');
  const h = document.createElement('h2');
  h.textContent = `No image shows “${query}”.`;
  const ul = document.createElement('ul');
  for (const [why, suggestion] of tries) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'try';
    b.textContent = suggestion;
    b.addEventListener('click', () => { ui.q.value = suggestion; search(suggestion); ui.q.focus(); });
    li.append(`Try ${why}: `, b);
    ul.append(li);
  }
  const tip = document.createElement('li');
  tip.textContent = 'Searches match whole words best; case and accents do not matter.';
  ul.append(tip);
  if (state.counts) {
    const size = document.createElement('li');
    size.textContent = state.indexer?.running
      ? `The index is still growing (${state.counts.images.toLocaleString()} images so far); try again in a moment.`
      : `The index holds ${state.counts.images.toLocaleString()} images.`;
    ul.append(size);
  }
  box.append(h, ul);
  return box;
}

function errorMessage(error) {
  const box = document.createElement('div');
  box.className = 'error';
  const h = document.createElement('h2');
  h.textContent = error.status === 400 ? 'That query cannot be searched.' : 'The search failed.';
  const p = document.createElement('p');
  p.textContent = error.message;
  box.append(h, p);
  return box;
}

function showMessage(content) {
  ui.message.replaceChildren();
  ui.message.classList.toggle('error', !!content?.classList?.contains('error'));
  if (content) ui.message.append(content);
  ui.message.hidden = !content;
}

// Infinite scroll, with the button as a fallback.
new IntersectionObserver((entries) => {
  if (entries.some((e) => e.isIntersecting)) loadMore();
}, { rootMargin: '600px' }).observe(ui.sentinel);
ui.moreButton.addEventListener('click', loadMore);

function isVisible(element) {
  const rect = element.getBoundingClientRect();
  return rect.top < window.innerHeight + 600;
}

// ---- Keyboard in the grid ------------------------------------------------------------------

function focusCard(index) {
  const links = ui.results.querySelectorAll('.card > a');
  if (links.length === 0) return;
  const target = links[Math.max(0, Math.min(index, links.length - 1))];
  target.focus();
  target.scrollIntoView({ block: 'nearest' });
  if (index >= links.length - 4) loadMore();
}

function columns() {
  return getComputedStyle(ui.results).gridTemplateColumns.split(' ').length;
}

ui.results.addEventListener('keydown', (event) => {
  const link = event.target.closest('.card > a');
  if (!link) return;
  const index = Number(link.dataset.index);
  const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(), ArrowUp: -columns() };
  if (event.key in moves) {
    event.preventDefault();
    const next = index + moves[event.key];
    if (next < 0) ui.q.focus();
    else focusCard(next);
  } else if (event.key === 'Escape') {
    ui.q.focus();
  }
});

document.addEventListener('keydown', (event) => {
  if (event.key === '/' && !ui.viewer.open && document.activeElement !== ui.q && !(event.target instanceof HTMLInputElement)) {
    event.preventDefault();
    ui.q.focus();
    ui.q.select();
  }
});

// ---- Viewer --------------------------------------------------------------------------------

async function openViewer(index) {
  const item = state.items[index];
  if (!item) return;
  state.viewing = index;
  state.viewText = null;
  ui.title.textContent = item.path;
  ui.score.textContent = `score ${item.score.toFixed(2)}`;
  ui.time.hidden = !item.video;
  ui.time.textContent = item.video ? `▶ ${clock(item.video.seconds)}` : '';
  ui.open.href = item.image;
  ui.prev.disabled = index === 0;
  ui.next.disabled = index >= state.total - 1;
  ui.lines.replaceChildren();
  ui.textLayer.replaceChildren();
  ui.linesSummary.textContent = 'Reading…';
  ui.copy.textContent = 'Copy text';
  ui.canvas.style.width = `${item.width}px`;
  ui.canvas.style.height = `${item.height}px`;
  ui.image.onerror = () => { ui.image.onerror = null; ui.image.src = `${item.thumbnail}?size=1024`; };
  ui.image.src = item.video ? `${item.thumbnail}?size=1024` : item.image;
  overlay(item.width, item.height, [], item.matches, ui.overlay);
  if (!ui.viewer.open) ui.viewer.showModal();
  fit();
  try {
    const text = await api(`/api/images/${item.id}/text`);
    if (state.viewing !== index) return;
    state.viewText = text;
    showText(item, text);
  } catch (error) {
    if (state.viewing === index) ui.linesSummary.textContent = error.message;
  }
}

function showText(item, text) {
  overlay(text.width, text.height, text.lines, item.matches, ui.overlay);
  ui.linesSummary.textContent = text.lines.length === 0
    ? (text.error ? `Not read: ${text.error}` : 'No text was found in this image.')
    : `${text.lines.length} line${text.lines.length === 1 ? '' : 's'} · select text on the image or here`;
  const list = document.createDocumentFragment();
  const layer = document.createDocumentFragment();
  text.lines.forEach((line, i) => {
    const matched = item.matches.filter((m) => inside(center(m.quad), line.quad));
    const li = document.createElement('li');
    li.dataset.line = String(i);
    li.classList.toggle('matched', matched.length > 0);
    li.append(...highlight(line.text, matched.map((m) => m.text)));
    li.addEventListener('mouseenter', () => hoverLine(i, true));
    li.addEventListener('mouseleave', () => hoverLine(i, false));
    list.append(li);
    layer.append(textSpan(line));
  });
  ui.lines.replaceChildren(list);
  ui.textLayer.replaceChildren(layer);
  fitText();
}

/** A transparent, selectable span laid over a line's quad, so the text can be selected on the image. */
function textSpan(line) {
  const [tl, tr, , bl] = line.quad;
  const width = Math.hypot(tr[0] - tl[0], tr[1] - tl[1]);
  const height = Math.hypot(bl[0] - tl[0], bl[1] - tl[1]);
  const angle = Math.atan2(tr[1] - tl[1], tr[0] - tl[0]);
  const s = document.createElement('span');
  s.textContent = line.text + '\n';
  s.style.left = `${tl[0]}px`;
  s.style.top = `${tl[1]}px`;
  s.style.fontSize = `${Math.max(4, height * 0.85)}px`;
  s.dataset.width = String(width);
  s.dataset.angle = String(angle);
  return s;
}

/** Stretches each text span to its line's width once the browser has measured it. */
function fitText() {
  for (const s of ui.textLayer.children) {
    const natural = s.offsetWidth || 1;
    const scale = Number(s.dataset.width) / natural;
    s.style.transform = `rotate(${s.dataset.angle}rad) scaleX(${scale})`;
  }
}

function highlight(text, words) {
  const lower = text.toLowerCase();
  const marks = [];
  for (const word of words) {
    const at = lower.indexOf(word.toLowerCase());
    if (at >= 0 && word) marks.push([at, at + word.length]);
  }
  marks.sort((a, b) => a[0] - b[0]);
  const parts = [];
  let position = 0;
  for (const [from, to] of marks) {
    if (from < position) continue;
    parts.push(text.slice(position, from));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(from, to);
    parts.push(mark);
    position = to;
  }
  parts.push(text.slice(position));
  return parts;
}

function hoverLine(index, on) {
  ui.overlay.querySelector(`polygon.line[data-line="${index}"]`)?.classList.toggle('hover', on);
}

function center(quad) {
  return [quad.reduce((s, p) => s + p[0], 0) / 4, quad.reduce((s, p) => s + p[1], 0) / 4];
}

function inside([x, y], quad) {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = quad[i];
    const [bx, by] = quad[(i + 1) % 4];
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross !== 0) {
      if (sign !== 0 && Math.sign(cross) !== sign) return false;
      sign = Math.sign(cross);
    }
  }
  return true;
}

/** Scales the image-sized canvas to fit the stage, centred. */
function fit() {
  const item = state.items[state.viewing];
  if (!item || !ui.viewer.open || !item.width) return;
  const box = ui.stage.getBoundingClientRect();
  const scale = Math.min(box.width / item.width, box.height / item.height, 4);
  const x = (box.width - item.width * scale) / 2;
  const y = (box.height - item.height * scale) / 2;
  ui.canvas.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
}

window.addEventListener('resize', fit);

function closeViewer() {
  if (ui.viewer.open) ui.viewer.close();
}

ui.viewer.addEventListener('close', () => {
  const index = state.viewing;
  state.viewing = -1;
  ui.image.removeAttribute('src');
  focusCard(index);
});

ui.viewer.addEventListener('keydown', async (event) => {
  if (event.target instanceof HTMLInputElement) return;
  if (event.key === 'ArrowRight') {
    event.preventDefault();
    await step(1);
  } else if (event.key === 'ArrowLeft') {
    event.preventDefault();
    await step(-1);
  } else if (event.key === 'c' && !event.ctrlKey && !event.metaKey && !window.getSelection()?.toString()) {
    copyText();
  }
});

ui.viewer.addEventListener('click', (event) => {
  // A click on the backdrop (outside the dialog's box) closes it.
  if (event.target === ui.viewer) closeViewer();
});

async function step(delta) {
  const next = state.viewing + delta;
  if (next < 0 || next >= state.total) return;
  if (next >= state.items.length) await loadMore();
  if (next < state.items.length) openViewer(next);
}

ui.prev.addEventListener('click', () => step(-1));
ui.next.addEventListener('click', () => step(1));
ui.close.addEventListener('click', closeViewer);
ui.copy.addEventListener('click', copyText);

async function copyText() {
  const text = (state.viewText?.lines || []).map((l) => l.text).join('\n');
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission: copy through a selection, as browsers always allowed.
    const area = document.createElement('textarea');
    area.value = text;
    ui.viewer.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  ui.copy.textContent = 'Copied';
  setTimeout(() => { ui.copy.textContent = 'Copy text'; }, 1500);
}

function clock(seconds) {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${s.toFixed(1).padStart(4, '0')}`;
}

// ---- Status strip --------------------------------------------------------------------------

async function refreshStatus() {
  let delay = 10000;
  try {
    const status = await api('/api/status');
    state.counts = status.index;
    state.indexer = status.indexer;
    const parts = [`${status.index.images.toLocaleString()} images`, `${status.index.lines.toLocaleString()} lines`];
    const x = status.indexer;
    if (x.running || x.queueLength > 0) {
      const done = x.indexed + x.failed;
      const total = done + x.queueLength;
      parts.push(`indexing ${done.toLocaleString()}/${total.toLocaleString()} (${x.imagesPerSecond.toFixed(1)}/s)`);
      ui.progress.hidden = false;
      ui.progress.max = Math.max(1, total);
      ui.progress.value = done;
      delay = 2000;
    } else {
      ui.progress.hidden = true;
    }
    ui.status.replaceChildren(parts.join(' · '));
    if (status.index.failed > 0) {
      const failed = span('failed', ` · ${status.index.failed.toLocaleString()} failed`);
      failed.title = status.failures.map((f) => `${f.path}: ${f.error}`).join('\n');
      ui.status.append(failed);
    }
  } catch (error) {
    ui.status.textContent = state.needKey ? 'Enter the API key to search.' : `Status unavailable: ${error.message}`;
  }
  clearTimeout(state.statusTimer);
  state.statusTimer = setTimeout(refreshStatus, document.hidden ? 30000 : delay);
}

document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshStatus(); });

// ---- Start ---------------------------------------------------------------------------------

refreshStatus();
const initial = params.get('q');
if (initial) {
  ui.q.value = initial;
  search(initial);
}
