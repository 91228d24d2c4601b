// Progressive enhancement only: every page works without this file.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  const text = source.value ?? source.textContent;
  navigator.clipboard.writeText(text).then(() => {
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = label), 1500);
  });
});

// Live progress of a sync run: poll the run while it is queued or running, reload when it ends.
// Labels and colours as in src/choices.ts (RUN_STATUS, SYNC_STATUS).
const RUN_LABELS = { queued: 'Queued', running: 'Running' };
const SYNC_BADGES = { queued: { label: 'Queued', color: 'azure' }, running: { label: 'Syncing', color: 'blue' } };
const setBadge = (el, { label, color }) => {
  if (!el) return;
  el.textContent = label;
  el.className = `badge bg-${color}-lt`;
};
const live = document.querySelector('[data-run-progress]');
if (live) {
  const id = live.dataset.runProgress;
  const field = (name) => live.querySelector(`[data-field="${name}"]`);
  const poll = async () => {
    try {
      const res = await fetch(`/api/v1/sync-runs/${id}`, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (res.ok) {
        const run = await res.json();
        if (!['queued', 'running'].includes(run.status)) return window.location.reload();
        // The banner, the fabric's badge and the run's history row say the same thing.
        const counted =
          run.stage === 'parsing' && run.progress.total ? ` ${run.progress.done}/${run.progress.total} files` : '';
        field('status').textContent = RUN_LABELS[run.status];
        field('detail').textContent = run.status === 'running' ? ` — ${run.stage}${counted}` : '';
        setBadge(document.querySelector('[data-testid="fabric-status"] .badge'), SYNC_BADGES[run.status]);
        const runBadge = { label: RUN_LABELS[run.status], color: run.status === 'queued' ? 'azure' : 'blue' };
        setBadge(document.querySelector(`[data-run-row="${id}"] [data-field="run-status"] .badge`), runBadge);
        setBadge(document.querySelector('[data-testid="run-status"] .badge'), runBadge);
      }
    } catch {
      // A missed poll is retried on the next tick.
    }
    setTimeout(poll, 700);
  };
  setTimeout(poll, 300);
}

// Repository form: show only the fields of the chosen authentication type.
const authForm = document.querySelector('[data-auth-form]');
if (authForm) {
  const select = authForm.querySelector('[name="authType"]');
  const update = () => {
    for (const group of authForm.querySelectorAll('[data-auth]'))
      group.hidden = !group.dataset.auth.split(' ').includes(select.value);
  };
  select.addEventListener('change', update);
  update();
}

// Times in lists are written out (the HTML may be kept for as long as its rows); shown here as
// "5 min ago", with the time itself on hover, as the server does elsewhere.
const ago = (date) => {
  const s = Math.round((Date.now() - date.getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
};
for (const time of document.querySelectorAll('time[data-relative]')) {
  time.title = time.textContent;
  time.textContent = ago(new Date(time.dateTime));
}

// Menus (<details class="nav-menu">): one open at a time, closed by a click elsewhere or Escape.
const menus = () => document.querySelectorAll('details.nav-menu[open]');
document.addEventListener(
  'toggle',
  (event) => {
    const opened = event.target;
    if (!opened.matches?.('details.nav-menu') || !opened.open) return;
    for (const other of menus()) if (other !== opened && !other.contains(opened)) other.open = false;
  },
  true,
);
document.addEventListener('click', (event) => {
  // A chosen item (a download stays on the page) closes its menu too.
  const chosen = event.target.closest('.nav-menu-panel a');
  for (const menu of menus()) if (!menu.contains(event.target) || menu.contains(chosen)) menu.open = false;
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  for (const menu of menus()) {
    menu.open = false;
    menu.querySelector('summary').focus();
  }
});
