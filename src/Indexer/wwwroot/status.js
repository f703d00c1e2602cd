// The status strip: index size and indexing progress, polled while the page is visible.
import { api } from './api.js';
import { span } from './draw.js';

const text = document.getElementById('status-text');
const progress = document.getElementById('status-progress');
let timer = 0;

/** The last status seen (or null), for messages that mention the index size. */
export let lastStatus = null;

export async function refreshStatus(needKey = () => false) {
  let delay = 10000;
  try {
    const status = await api('/api/status');
    lastStatus = status;
    const parts = [`${status.index.images.toLocaleString()} images`, `${status.index.lines.toLocaleString()} lines`];
    const x = status.indexer;
    if (x.running || x.queueLength > 0) {
      const done = x.indexed + x.failed;
      const total = done + x.queueLength;
      parts.push(`indexing ${done.toLocaleString()}/${total.toLocaleString()} (${x.imagesPerSecond.toFixed(1)}/s)`);
      progress.hidden = false;
      progress.max = Math.max(1, total);
      progress.value = done;
      delay = 2000;
    } else {
      progress.hidden = true;
    }
    text.replaceChildren(parts.join(' · '));
    if (status.index.failed > 0) {
      const failed = span('failed', ` · ${status.index.failed.toLocaleString()} failed`);
      failed.title = status.failures.map((f) => `${f.path}: ${f.error}`).join('\n');
      text.append(failed);
    }
  } catch (error) {
    text.textContent = needKey() ? 'Enter the API key to search.' : `Status unavailable: ${error.message}`;
  }
  clearTimeout(timer);
  timer = setTimeout(() => refreshStatus(needKey), document.hidden ? 30000 : delay);
}

document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshStatus(); });
