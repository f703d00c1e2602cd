// Talking to /api: the API key (header for fetches, cookie for <img>), problem details as errors.

const KEY = 'retrieval-key';
const listeners = [];

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** GETs (or sends) JSON; a non-2xx answer throws an ApiError with the problem's detail. */
export async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = localStorage.getItem(KEY);
  if (key) headers.set('X-Api-Key', key);
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
    if (response.status === 401) listeners.forEach((f) => f());
    throw new ApiError(response.status, detail);
  }
  return response.status === 204 ? null : response.json();
}

/** Calls back whenever the server asks for the key. */
export function onKeyNeeded(callback) {
  listeners.push(callback);
}

export function rememberKey(key) {
  localStorage.setItem(KEY, key);
  // Image requests cannot send headers; the server reads the key from this cookie, for reads only.
  document.cookie = `${KEY}=${encodeURIComponent(key)}; path=/; SameSite=Strict`;
}
