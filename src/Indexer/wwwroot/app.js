// retrieval: the search page. Plain JavaScript modules, no build step; talks only to /api (see /openapi.json).
// This module: the search box, the result grid, paging as you scroll, keyboard moves, start-up.
import { api, onKeyNeeded, rememberKey } from './api.js';
import { clock, overlay, span } from './draw.js';
import { lastStatus, refreshStatus } from './status.js';
import { createViewer } from './viewer.js';

const params = new URLSearchParams(location.search);
// Results per request; ?top=N in the address changes it (1..100).
const PAGE = Math.min(100, Math.max(1, Number(params.get('top')) || 24));
const DEBOUNCE_MS = 180;
const THUMB = 320;

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('search-form'), q: $('q'), summary: $('summary'), message: $('message'), results: $('results'),
  more: $('more'), moreButton: $('more-button'), sentinel: $('sentinel'), keyForm: $('key-form'), key: $('key'),
};

const state = { query: '', items: [], total: 0, loading: false, seq: 0, abort: null, timer: 0, needKey: false };

const viewer = createViewer({
  item: (i) => state.items[i],
  count: () => state.items.length,
  total: () => state.total,
  loadMore: () => loadMore(),
  focus: (i) => focusCard(i),
});

// ---- The API key, when the server asks for one ----------------------------------------------

onKeyNeeded(() => {
  state.needKey = true;
  ui.keyForm.hidden = false;
});

ui.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  rememberKey(ui.key.value.trim());
  ui.keyForm.hidden = true;
  state.needKey = false;
  refreshStatus(() => state.needKey);
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
  if (replace) ui.summary.textContent = 'Searching…';
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
  // A tall screen may show the end of the list before any scrolling.
  if (seq === state.seq && nearEnd()) loadMore();
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
    viewer.open(index);
  });
  li.append(a);
  return li;
}

function emptyMessage(query) {
  const tries = [];
  const words = query.replace(/"/g, ' ').split(/\s+/).filter(Boolean);
  if (query.includes('"')) tries.push(['the words without quotes, in any order', words.join(' ')]);
  if (words.length > 1) tries.push(['one word on its own', [...words].sort((a, b) => b.length - a.length)[0]]);
  if (words.length === 1 && words[0].length > 5) {
    tries.push(['part of the word (the reader may have misread a letter)', words[0].slice(0, Math.ceil(words[0].length * 0.6))]);
  }
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
  if (lastStatus) {
    const size = document.createElement('li');
    size.textContent = lastStatus.indexer.running
      ? `The index is still growing (${lastStatus.index.images.toLocaleString()} images so far); try again in a moment.`
      : `The index holds ${lastStatus.index.images.toLocaleString()} images.`;
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

function nearEnd() {
  return ui.sentinel.getBoundingClientRect().top < window.innerHeight + 600;
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
  if (event.key === '/' && !viewer.isOpen() && !(event.target instanceof HTMLInputElement)) {
    event.preventDefault();
    ui.q.focus();
    ui.q.select();
  }
});

// ---- Start ---------------------------------------------------------------------------------

refreshStatus(() => state.needKey);
const initial = params.get('q');
if (initial) {
  ui.q.value = initial;
  search(initial);
}
