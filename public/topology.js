// The topology page's progressive enhancement: pan (drag) and zoom (wheel, buttons) by moving
// the SVG's viewBox, live search-to-highlight, and racks opened in place. Without it the page
// still works: the picture scrolls, racks open through their links, the form searches.
(function () {
  'use strict';
  const canvas = document.querySelector('[data-topology]');
  if (!canvas) return;
  let svg = canvas.querySelector('svg');
  if (!svg) return;
  const full = () => svg.viewBox.baseVal;
  let view = null;

  function apply() {
    svg.setAttribute('viewBox', view.join(' '));
  }
  function fit() {
    const b = full();
    view = [0, 0, Number(svg.getAttribute('width')) || b.width, Number(svg.getAttribute('height')) || b.height];
    apply();
  }
  function zoom(factor, cx, cy) {
    const [x, y, w, h] = view;
    const nw = Math.min(Math.max(w * factor, 100), Number(svg.getAttribute('width')) * 1.5 || w * 4);
    const f = nw / w;
    view = [cx - (cx - x) * f, cy - (cy - y) * f, w * f, h * f];
    apply();
  }
  function toSvg(clientX, clientY) {
    const r = svg.getBoundingClientRect();
    // preserveAspectRatio "xMidYMid meet": one scale, the picture centred.
    const s = Math.max(view[2] / r.width, view[3] / r.height);
    return [
      view[0] + (clientX - r.left) * s - (r.width * s - view[2]) / 2,
      view[1] + (clientY - r.top) * s - (r.height * s - view[3]) / 2,
      s,
    ];
  }

  // A very wide fabric (hundreds of leaves in one row) starts at its left end at a readable
  // scale, not fitted into a sliver; Fit shows all of it.
  function start() {
    const width = Number(svg.getAttribute('width'));
    const height = Number(svg.getAttribute('height'));
    const r = svg.getBoundingClientRect();
    const aspect = r.width / r.height || 2;
    if (width / height > aspect * 3) {
      view = [0, 0, height * aspect, height];
      apply();
    } else fit();
  }

  canvas.classList.add('zoomable');
  canvas.querySelector('.topology-zoom').hidden = false;
  start();

  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const [cx, cy] = toSvg(e.clientX, e.clientY);
      zoom(e.deltaY > 0 ? 1.2 : 1 / 1.2, cx, cy);
    },
    { passive: false },
  );
  canvas.querySelectorAll('[data-zoom]').forEach((b) =>
    b.addEventListener('click', () => {
      if (b.dataset.zoom === 'fit') return fit();
      zoom(b.dataset.zoom === 'in' ? 1 / 1.5 : 1.5, view[0] + view[2] / 2, view[1] + view[3] / 2);
    }),
  );

  // Drag to pan; a drag does not count as a click on the node under the pointer.
  let drag = null;
  let moved = false;
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || e.target.closest('.topology-zoom')) return;
    drag = { x: e.clientX, y: e.clientY, view: view.slice(), scale: toSvg(e.clientX, e.clientY)[2] };
    moved = false;
  });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    moved = true;
    canvas.classList.add('panning');
    view = [drag.view[0] - dx * drag.scale, drag.view[1] - dy * drag.scale, drag.view[2], drag.view[3]];
    apply();
  });
  window.addEventListener('pointerup', () => {
    drag = null;
    canvas.classList.remove('panning');
  });
  canvas.addEventListener(
    'click',
    (e) => {
      if (moved) {
        e.preventDefault();
        e.stopPropagation();
        moved = false;
        return;
      }
      const rack = e.target.closest('a.rack, a[href^="?"]');
      if (rack) {
        e.preventDefault();
        openView(rack.getAttribute('href'));
      }
    },
    true,
  );

  // A rack opens in place: the page of the new view is fetched and only its picture swapped in.
  async function openView(query) {
    const url = new URL(query, window.location.href);
    const res = await fetch(url, { headers: { accept: 'text/html' } });
    if (!res.ok) return void (window.location.href = url.href);
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const next = doc.querySelector('[data-topology] svg');
    if (!next) return void (window.location.href = url.href);
    const oldWidth = Number(svg.getAttribute('width'));
    const oldHeight = Number(svg.getAttribute('height'));
    svg.replaceWith(next);
    svg = next;
    // Keep the place the user was looking at; grow the view if the picture grew taller.
    const grow = Number(svg.getAttribute('height')) / oldHeight;
    if (Number(svg.getAttribute('width')) !== oldWidth || grow > 1) view[3] = Math.max(view[3], view[3] * grow);
    apply();
    history.replaceState(null, '', url.pathname + url.search);
    highlight();
  }

  // Search-to-highlight as one types, on the nodes drawn; the form still searches collapsed racks.
  const input = document.getElementById('topology-q');
  function highlight() {
    const q = (input?.value ?? '').trim().toLowerCase();
    svg.classList.toggle('searching', q.length > 0);
    svg.querySelectorAll('.node').forEach((n) => {
      n.classList.toggle('match', q.length > 0 && n.dataset.name.toLowerCase().includes(q));
    });
  }
  input?.addEventListener('input', highlight);
  // Choosing a VPC shows it at once.
  document.getElementById('topology-vpc')?.addEventListener('change', (e) => e.target.form.requestSubmit());
})();
