// The viewer: one result's whole image with every line outlined, the matched words highlighted,
// the text selectable on the image and listed beside it, copyable; arrows step through results.
import { api } from './api.js';
import { center, clock, inside, overlay } from './draw.js';

const $ = (id) => document.getElementById(id);
const ui = {
  viewer: $('viewer'), title: $('viewer-title'), time: $('viewer-time'), score: $('viewer-score'),
  stage: $('stage'), canvas: $('canvas'), image: $('viewer-image'), overlay: $('viewer-overlay'),
  textLayer: $('text-layer'), lines: $('line-list'), linesSummary: $('lines-summary'),
  copy: $('copy-text'), open: $('viewer-open'), prev: $('viewer-prev'), next: $('viewer-next'), close: $('viewer-close'),
};

/**
 * results: { item(i), count(), total(), loadMore(), focus(i) } over the page's result list.
 * Returns { open(index), isOpen() }.
 */
export function createViewer(results) {
  let viewing = -1;
  let text = null;

  async function open(index) {
    const item = results.item(index);
    if (!item) return;
    viewing = index;
    text = null;
    ui.title.textContent = item.path;
    ui.score.textContent = `score ${item.score.toFixed(2)}`;
    ui.time.hidden = !item.video;
    ui.time.textContent = item.video ? `▶ ${clock(item.video.seconds)}` : '';
    ui.open.href = item.image;
    ui.prev.disabled = index === 0;
    ui.next.disabled = index >= results.total() - 1;
    ui.lines.replaceChildren();
    ui.textLayer.replaceChildren();
    ui.linesSummary.textContent = 'Reading…';
    ui.copy.textContent = 'Copy text';
    ui.canvas.style.width = `${item.width}px`;
    ui.canvas.style.height = `${item.height}px`;
    // Browsers show JPEG, PNG, WebP, GIF and AVIF; for anything else (TIFF, HEIC) a large JPEG thumbnail.
    ui.image.onerror = () => { ui.image.onerror = null; ui.image.src = `${item.thumbnail}?size=1024`; };
    ui.image.src = item.image;
    overlay(item.width, item.height, [], item.matches, ui.overlay);
    if (!ui.viewer.open) ui.viewer.showModal();
    fit();
    try {
      const read = await api(`/api/images/${item.id}/text`);
      if (viewing !== index) return;
      text = read;
      showText(item, read);
    } catch (error) {
      if (viewing === index) ui.linesSummary.textContent = error.message;
    }
  }

  function showText(item, read) {
    overlay(read.width, read.height, read.lines, item.matches, ui.overlay);
    ui.linesSummary.textContent = read.lines.length === 0
      ? (read.error ? `Not read: ${read.error}` : 'No text was found in this image.')
      : `${read.lines.length} line${read.lines.length === 1 ? '' : 's'} · select text on the image or here`;
    const list = document.createDocumentFragment();
    const layer = document.createDocumentFragment();
    read.lines.forEach((line, i) => {
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

  /** Scales the image-sized canvas to fit the stage, centred. */
  function fit() {
    const item = results.item(viewing);
    if (!item || !ui.viewer.open || !item.width) return;
    const box = ui.stage.getBoundingClientRect();
    const scale = Math.min(box.width / item.width, box.height / item.height, 4);
    const x = (box.width - item.width * scale) / 2;
    const y = (box.height - item.height * scale) / 2;
    ui.canvas.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
  }

  async function step(delta) {
    const next = viewing + delta;
    if (next < 0 || next >= results.total()) return;
    if (next >= results.count()) await results.loadMore();
    if (next < results.count()) open(next);
  }

  async function copyText() {
    const all = (text?.lines || []).map((l) => l.text).join('\n');
    try {
      await navigator.clipboard.writeText(all);
    } catch {
      // Without clipboard permission: copy through a selection, as browsers always allowed.
      const area = document.createElement('textarea');
      area.value = all;
      ui.viewer.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    ui.copy.textContent = 'Copied';
    setTimeout(() => { ui.copy.textContent = 'Copy text'; }, 1500);
  }

  window.addEventListener('resize', fit);
  ui.viewer.addEventListener('close', () => {
    const index = viewing;
    viewing = -1;
    ui.image.removeAttribute('src');
    results.focus(index);
  });
  ui.viewer.addEventListener('keydown', async (event) => {
    if (event.target instanceof HTMLInputElement) return;
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      await step(event.key === 'ArrowRight' ? 1 : -1);
    } else if (event.key === 'c' && !event.ctrlKey && !event.metaKey && !window.getSelection()?.toString()) {
      copyText();
    }
  });
  // A click on the backdrop (outside the dialog's box) closes it.
  ui.viewer.addEventListener('click', (event) => { if (event.target === ui.viewer) ui.viewer.close(); });
  ui.prev.addEventListener('click', () => step(-1));
  ui.next.addEventListener('click', () => step(1));
  ui.close.addEventListener('click', () => ui.viewer.close());
  ui.copy.addEventListener('click', copyText);

  return { open, isOpen: () => ui.viewer.open };
}

/** A transparent, selectable span laid over a line's quad, so the text can be selected on the image. */
function textSpan(line) {
  const [tl, tr, , bl] = line.quad;
  const s = document.createElement('span');
  s.textContent = line.text + '\n';
  s.style.left = `${tl[0]}px`;
  s.style.top = `${tl[1]}px`;
  s.style.fontSize = `${Math.max(4, Math.hypot(bl[0] - tl[0], bl[1] - tl[1]) * 0.85)}px`;
  s.dataset.width = String(Math.hypot(tr[0] - tl[0], tr[1] - tl[1]));
  s.dataset.angle = String(Math.atan2(tr[1] - tl[1], tr[0] - tl[0]));
  return s;
}

/** Stretches each text span to its line's width once the browser has measured it. */
function fitText() {
  for (const s of ui.textLayer.children) {
    const scale = Number(s.dataset.width) / (s.offsetWidth || 1);
    s.style.transform = `rotate(${s.dataset.angle}rad) scaleX(${scale})`;
  }
}

/** The line's text with the matched words in <mark>. */
function highlight(text, words) {
  const lower = text.toLowerCase();
  const marks = [];
  for (const word of words) {
    const at = word ? lower.indexOf(word.toLowerCase()) : -1;
    if (at >= 0) marks.push([at, at + word.length]);
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
