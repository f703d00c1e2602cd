// Small DOM helpers shared by the grid and the viewer: outlines over images, text spans, times.

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG over an image of width x height (same box, same fit) with line and match outlines. */
export function overlay(width, height, lines, matches, svg = document.createElementNS(SVG, 'svg')) {
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

export function span(className, text) {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}

/** 83.4 -> "1:23.4", 3725 -> "1:02:05.0". */
export function clock(seconds) {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(h > 0 ? 2 : 1, '0');
  return `${h > 0 ? `${h}:` : ''}${mm}:${s.toFixed(1).padStart(4, '0')}`;
}

export function center(quad) {
  return [quad.reduce((s, p) => s + p[0], 0) / 4, quad.reduce((s, p) => s + p[1], 0) / 4];
}

/** Whether a point lies inside a convex quad. */
export function inside([x, y], quad) {
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
