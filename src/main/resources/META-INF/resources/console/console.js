// The agent console: plain modules, no build step, talking to the desk API and its live feed.
// The agent token lives in sessionStorage (never in a URL of the page); the feed's cursor too, so a
// reconnect resumes it: nothing missed, nothing twice.

const TOKEN = 'switchboard-agent-token';
const CURSOR = 'switchboard-desk-cursor';
const $ = id => document.getElementById(id);

let me = null;
let selected = null;
const seenPending = new Set();
let firstInbox = true;

async function api(path, { method = 'GET', body, idempotent = method === 'POST' } = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN)}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotent) headers['Idempotency-Key'] = crypto.randomUUID();
  const answer = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (answer.status === 401) { signOut(); throw new Error('signed out'); }
  if (!answer.ok) {
    const problem = await answer.json().catch(() => ({}));
    throw new Error(problem.detail || problem.title || `HTTP ${answer.status}`);
  }
  return answer.status === 204 ? null : answer.json();
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  node.append(...children.filter(c => c !== null && c !== undefined));
  return node;
}

// ---- sign in and out ----

async function signIn(token) {
  sessionStorage.setItem(TOKEN, token);
  try {
    me = await api('/api/v1/desk/me');
  } catch (e) {
    sessionStorage.removeItem(TOKEN);
    $('sign-in-error').textContent = 'That token is not an active agent\'s token.';
    return;
  }
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('sign-out').hidden = false;
  $('connection').hidden = false;
  $('me').textContent = me.name;
  route();
  feed.connect();
  setInterval(tickWaiting, 1000);
}

function signOut() {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(CURSOR);
  feed.stop();
  location.hash = '';
  location.reload();
}

// ---- pages ----

function route() {
  const analytics = location.hash === '#analytics';
  $('inbox-page').hidden = analytics;
  $('analytics-page').hidden = !analytics;
  $('nav-inbox').toggleAttribute('aria-current', !analytics);
  $('nav-analytics').toggleAttribute('aria-current', analytics);
  if (analytics) loadAnalytics(); else loadInbox();
}

// ---- inbox ----

let inboxTimer = null;
function refreshInboxSoon() {
  clearTimeout(inboxTimer);
  inboxTimer = setTimeout(loadInbox, 150);
}

async function loadInbox() {
  const params = new URLSearchParams();
  for (const [name, id] of [['status', 'filter-status'], ['assignee', 'filter-assignee'], ['channel', 'filter-channel'],
    ['q', 'search']]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  params.set('limit', '100');
  const inbox = await api(`/api/v1/conversations?${params}`);
  const list = $('conversations');
  list.replaceChildren(...inbox.items.map(c => {
    const since = c.status === 'pending' ? (c.handedOffAt || c.createdAt) : c.lastActivityAt;
    return el('li', { tabindex: 0, role: 'option', 'data-id': c.id, 'data-status': c.status,
      'aria-selected': selected === c.id ? 'true' : 'false',
      onclick: () => openConversation(c.id), onkeydown: e => { if (e.key === 'Enter') openConversation(c.id); } },
    el('span', { class: 'name' }, c.customerName || c.customerPhone || c.sessionKey),
    el('span', { class: 'meta' }, el('span', { class: `status-${c.status}` }, c.status), el('span', {}, c.channel),
      el('span', { class: 'waiting', 'data-since': since }, ''), c.assigneeId === me.id ? el('span', {}, 'mine') : null));
  }));
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Conversations');
  for (const c of await pendingIds()) {
    if (!seenPending.has(c)) {
      seenPending.add(c);
      if (!firstInbox) bumpBadge();
    }
  }
  firstInbox = false;
  tickWaiting();
}

async function pendingIds() {
  const pending = await api('/api/v1/conversations?status=pending&limit=100');
  return pending.items.map(c => c.id);
}

function tickWaiting() {
  const now = Date.now();
  document.querySelectorAll('.waiting[data-since]').forEach(node => {
    const seconds = Math.max(0, Math.floor((now - Date.parse(node.dataset.since)) / 1000));
    node.textContent = seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.floor(seconds / 60)}m ${seconds % 60}s`
      : `${Math.floor(seconds / 3600)}h ${Math.floor(seconds / 60) % 60}m`;
  });
}

function bumpBadge() {
  const badge = $('badge');
  badge.textContent = String(Number(badge.textContent) + 1);
  badge.hidden = false;
}

function clearBadge() {
  $('badge').textContent = '0';
  $('badge').hidden = true;
}

// ---- one conversation ----

let openTicket = 0;

async function openConversation(id) {
  selected = id;
  const ticket = ++openTicket;
  clearBadge();
  document.querySelectorAll('#conversations li').forEach(li =>
    li.setAttribute('aria-selected', li.dataset.id === id ? 'true' : 'false'));
  const [conversation, messages, bot] = await Promise.all([api(`/api/v1/conversations/${id}`),
    api(`/api/v1/conversations/${id}/messages?limit=500&include=state`), api(`/api/v1/conversations/${id}/state`)]);
  if (ticket !== openTicket) return; // another conversation was opened meanwhile: this answer is stale
  renderConversation(conversation, messages.items, bot);
}

function renderConversation(c, messages, bot) {
  const section = $('conversation');
  // a refresh of the same conversation keeps what the agent was writing
  const same = section.dataset.id === c.id;
  const draft = same ? $('reply-text')?.value : '';
  const noting = same ? $('note-mode')?.checked : false;
  const focused = same && document.activeElement === $('reply-text');
  const transfer = el('input', { id: 'transfer-to', 'aria-label': 'Agent id to transfer to', placeholder: 'agent id' });
  const actions = el('div', { class: 'actions' },
    c.status !== 'resolved' && c.assigneeId !== me.id ? el('button', { id: 'claim', type: 'button', onclick: () =>
      act(c.id, 'assign', { agentId: me.id }) }, 'Claim') : null,
    c.status !== 'resolved' ? transfer : null,
    c.status !== 'resolved' ? el('button', { id: 'transfer', type: 'button', class: 'secondary', onclick: () =>
      transfer.value && act(c.id, 'assign', { agentId: transfer.value.trim() }) }, 'Transfer') : null,
    c.status === 'pending' || c.status === 'open' ? el('button', { id: 'release', type: 'button', class: 'secondary',
      onclick: () => act(c.id, 'release', {}) }, 'Give back to bot') : null,
    c.status !== 'resolved' ? el('button', { id: 'resolve', type: 'button', onclick: () => act(c.id, 'resolve', {}) },
      'Resolve') : null);
  const transcript = el('ol', { id: 'transcript', class: 'transcript', 'aria-label': 'Transcript', 'aria-live': 'polite' });
  messages.forEach(m => transcript.append(messageItem(m)));
  if (same && $('transcript')) {
    // a refresh keeps what came after its own read: a message the agent sent meanwhile, or the feed's echo of it
    const last = Math.max(0, ...messages.map(m => Number(m.seq) || 0));
    [...$('transcript').children].filter(li => li.dataset.pendingText !== undefined || Number(li.dataset.seq) > last)
      .forEach(li => transcript.append(li));
  }
  const text = el('textarea', { id: 'reply-text', 'aria-label': 'Reply to the customer', rows: 2,
    placeholder: 'Reply… (Enter sends, Shift+Enter for a new line)' });
  const noteMode = el('input', { id: 'note-mode', type: 'checkbox' });
  const form = el('form', { id: 'reply', class: 'reply' }, text,
    el('label', {}, noteMode, ' Internal note'), el('button', { type: 'submit' }, 'Send'));
  noteMode.addEventListener('change', () => {
    form.classList.toggle('note-mode', noteMode.checked);
    text.setAttribute('aria-label', noteMode.checked ? 'Internal note' : 'Reply to the customer');
  });
  const submit = () => send(c.id, text, noteMode.checked);
  form.addEventListener('submit', e => { e.preventDefault(); submit(); });
  let lastTyping = 0;
  text.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); submit(); return; }
    if (!noteMode.checked && Date.now() - lastTyping > 3000 && c.status !== 'resolved') {
      lastTyping = Date.now();
      api(`/api/v1/conversations/${c.id}/typing`, { method: 'POST', body: {}, idempotent: false }).catch(() => {});
    }
  });
  const customer = el('aside', { class: 'customer', 'aria-label': 'Customer' },
    el('h3', {}, c.customerName || 'Customer'),
    el('p', {}, c.customerPhone || c.sessionKey), el('p', {}, `Channel: ${c.channel}`),
    el('p', {}, `Status: ${c.status}${c.assigneeId ? (c.assigneeId === me.id ? ' (you)' : ' (another agent)') : ''}`),
    el('h4', {}, 'Bot'), el('p', { id: 'bot-state' }, `State: ${bot.state}`),
    el('dl', { id: 'bot-data' }, ...Object.entries(bot.data || {}).flatMap(([key, value]) =>
      [el('dt', {}, key), el('dd', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))])),
    el('h4', {}, 'Earlier conversations'), el('ul', { id: 'earlier' }));
  section.replaceChildren(
    el('header', {}, el('h2', {}, c.customerName || c.customerPhone || c.sessionKey),
      el('span', { id: 'conversation-status', class: `status-${c.status}` }, c.status), actions),
    el('div', { class: 'body' }, transcript, customer),
    c.status !== 'resolved' ? form : el('p', { class: 'empty' }, 'Resolved.'));
  section.dataset.id = c.id;
  section.dataset.status = c.status;
  transcript.scrollTop = transcript.scrollHeight;
  if (draft) text.value = draft;
  if (noting) { noteMode.checked = true; noteMode.dispatchEvent(new Event('change')); }
  if (focused) text.focus();
  loadEarlier(c);
}

async function loadEarlier(c) {
  const q = c.customerPhone || c.customerName;
  if (!q) return;
  const earlier = await api(`/api/v1/conversations?status=resolved&q=${encodeURIComponent(q)}&limit=10`);
  $('earlier')?.replaceChildren(...earlier.items.filter(e => e.id !== c.id).map(e =>
    el('li', {}, el('a', { href: '#inbox', onclick: () => openConversation(e.id) }, new Date(e.createdAt).toLocaleString()))));
}

const TICKS = { pending: '…', sent: '✓', delivered: '✓✓', read: '✓✓ read', failed: 'failed' };

function messageItem(m) {
  if (m.direction === 'state') {
    return el('li', { class: 'state', 'data-seq': m.seq }, `Bot: ${m.text}`);
  }
  const kind = m.direction === 'in' ? 'customer' : m.author?.kind === 'agent' ? 'agent' : 'bot';
  const who = m.direction === 'note' ? `Note by ${m.author?.name || 'an agent'} (internal)`
    : kind === 'customer' ? 'Customer' : kind === 'agent' ? (m.author?.name || 'Agent') : 'Bot';
  const li = el('li', { class: `${m.direction} ${kind}`, 'data-seq': m.seq }, el('span', { class: 'who' }, who),
    el('span', { class: 'text' }, m.text ?? (m.type ? `[${m.type}]` : '')));
  if (m.direction === 'out' && m.status) {
    const failed = m.status === 'failed';
    li.append(el('span', { class: `ticks${failed ? ' failed' : ''}`, 'data-status': m.status },
      failed ? `failed: ${m.error?.reason || m.error?.code || 'unknown'}` : TICKS[m.status] || m.status));
  }
  return li;
}

async function act(id, action, body) {
  try {
    await api(`/api/v1/conversations/${id}/${action}`, { method: 'POST', body });
  } catch (e) {
    alert(e.message);
  }
  if (selected === id) setTimeout(() => openConversation(id), 300);
  refreshInboxSoon();
}

async function send(id, textarea, note) {
  const text = textarea.value.trim();
  if (!text) return;
  textarea.value = '';
  const clientId = crypto.randomUUID();
  // shown at once; the server's answer confirms it and the feed's echo is recognised, not added again
  const li = messageItem({ direction: note ? 'note' : 'out', author: { kind: 'agent', name: me.name }, text,
    seq: '' });
  li.classList.add('sending');
  li.dataset.clientId = clientId;
  li.dataset.pendingText = text;
  $('transcript').append(li);
  $('transcript').scrollTop = $('transcript').scrollHeight;
  try {
    await api(`/api/v1/conversations/${id}/${note ? 'notes' : 'messages'}`, { method: 'POST', body: { id: clientId, text } });
    li.classList.remove('sending');
    li.dataset.confirmed = 'true';
  } catch (e) {
    li.classList.remove('sending');
    li.append(el('span', { class: 'ticks failed' }, `not sent: ${e.message}`));
  }
}

function onFeedMessage(frame) {
  if (frame.conversationId !== selected || !$('transcript')) return;
  const transcript = $('transcript');
  if (transcript.querySelector(`li[data-seq="${frame.seq}"]`)) return;
  const mine = [...transcript.querySelectorAll('li[data-pending-text]')]
    .find(li => li.dataset.pendingText === frame.text && li.classList.contains(frame.direction));
  if (mine) {
    mine.dataset.seq = frame.seq;
    delete mine.dataset.pendingText;
    return;
  }
  transcript.append(messageItem(frame));
  transcript.scrollTop = transcript.scrollHeight;
}

// ---- the live feed ----

const feed = {
  socket: null,
  delay: 500,
  stopped: false,
  connect() {
    // without a cursor the feed starts now: the inbox is loaded once the socket says where (ready)
    const after = sessionStorage.getItem(CURSOR);
    const token = encodeURIComponent(sessionStorage.getItem(TOKEN));
    const cursor = after === null ? '' : `after=${encodeURIComponent(after)}&`;
    const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws/v1/desk?${cursor}access_token=${token}`);
    this.socket = socket;
    socket.onopen = () => {
      this.delay = 500;
    };
    socket.onmessage = e => {
      const frame = JSON.parse(e.data);
      if (frame.cursor !== undefined) sessionStorage.setItem(CURSOR, String(frame.cursor));
      if (frame.type === 'ready') {
        sessionStorage.setItem(CURSOR, String(frame.after));
        setConnection(true);
        refreshInboxSoon();
        if (selected) openConversation(selected);
      } else if (frame.type === 'conversation') {
        refreshInboxSoon();
        if (frame.conversation.id === selected && $('conversation').dataset.status !== frame.conversation.status) {
          openConversation(selected);
        }
      } else if (frame.type === 'message') {
        onFeedMessage(frame);
        refreshInboxSoon();
      } else if (frame.type === 'status' && frame.conversationId === selected) {
        openConversation(selected);
      }
    };
    socket.onclose = () => {
      setConnection(false);
      if (this.stopped) return;
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 5000);
    };
  },
  stop() {
    this.stopped = true;
    if (this.socket) this.socket.close();
  },
};
window.deskFeed = feed; // lets a browser test cut the connection as a network drop would

function setConnection(online) {
  const node = $('connection');
  node.textContent = online ? 'online' : 'offline — reconnecting…';
  node.classList.toggle('online', online);
  document.body.dataset.connection = online ? 'online' : 'offline';
}

// ---- analytics ----

async function loadAnalytics() {
  if (!$('from').value) {
    const today = new Date();
    $('to').value = today.toISOString().slice(0, 10);
    $('from').value = new Date(today.getTime() - 6 * 86400000).toISOString().slice(0, 10);
  }
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const range = `from=${$('from').value}&to=${$('to').value}&tz=${encodeURIComponent(tz)}`;
  const [summary, created, handoffs, agents] = await Promise.all([
    api(`/api/v1/analytics/summary?${range}`),
    api(`/api/v1/analytics/timeseries?metric=conversations_created&interval=day&${range}`),
    api(`/api/v1/analytics/timeseries?metric=handoffs&interval=day&${range}`),
    api(`/api/v1/analytics/agents?${range}`)]);
  const percent = v => v === null || v === undefined ? '—' : `${Math.round(v * 100)}%`;
  const seconds = v => v === null || v === undefined ? '—' : `${Math.round(v)} s`;
  const figures = [
    ['conversations-created', 'Conversations', summary.conversations.created],
    ['conversations-resolved', 'Resolved', summary.conversations.resolved],
    ['conversations-handed-off', 'Handed off', summary.conversations.handedOff],
    ['containment', 'Bot containment', percent(summary.botContainmentRate)],
    ['handoff-rate', 'Handoff rate', percent(summary.handoffRate)],
    ['first-response-p50', 'First response p50', seconds(summary.firstResponseTime.p50)],
    ['messages-customers', 'Customer messages', summary.messages.fromCustomers],
    ['messages-agents', 'Agent messages', summary.messages.fromAgents]];
  $('summary').replaceChildren(...figures.map(([id, label, value]) =>
    el('div', {}, el('dt', {}, label), el('dd', { id: `figure-${id}` }, String(value)))));
  $('daily').replaceChildren(barChart(created.points, handoffs.points));
  const distribution = summary.firstResponseTime.distribution || [];
  const most = Math.max(1, ...distribution.map(d => d.count));
  $('first-response').replaceChildren(...distribution.map(d => el('li', {}, el('span', {}, d.bucket),
    el('span', { class: 'bar-fill', style: `width:${(100 * d.count) / most}%` }), el('span', {}, String(d.count)))));
  $('agents').tBodies[0].replaceChildren(...agents.items.map(a => el('tr', { 'data-agent': a.agentId },
    el('td', {}, a.name), el('td', {}, String(a.conversationsAssigned)), el('td', {}, String(a.conversationsResolved)),
    el('td', {}, a.firstResponseTime?.p50 == null ? '—' : String(Math.round(a.firstResponseTime.p50))),
    el('td', {}, String(a.messagesSent)))));
}

function barChart(created, handoffs) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${created.length * 40 + 20} 180`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Conversations (blue) and handoffs (orange) per day');
  const most = Math.max(1, ...created.map(p => p.count), ...handoffs.map(p => p.count));
  created.forEach((p, i) => {
    const bars = [[p.count, '#2d6cdf', 0], [handoffs[i]?.count || 0, '#e8833a', 16]];
    for (const [count, colour, offset] of bars) {
      const rect = document.createElementNS(ns, 'rect');
      const height = (140 * count) / most;
      rect.setAttribute('x', 10 + i * 40 + offset);
      rect.setAttribute('y', 150 - height);
      rect.setAttribute('width', 14);
      rect.setAttribute('height', height);
      rect.setAttribute('fill', colour);
      const title = document.createElementNS(ns, 'title');
      title.textContent = `${p.start.slice(0, 10)}: ${count}`;
      rect.append(title);
      svg.append(rect);
    }
    const label = document.createElementNS(ns, 'text');
    label.setAttribute('x', 10 + i * 40);
    label.setAttribute('y', 170);
    label.setAttribute('font-size', 10);
    label.textContent = p.start.slice(5, 10);
    svg.append(label);
  });
  return svg;
}

// ---- start ----

$('sign-in-form').addEventListener('submit', e => { e.preventDefault(); signIn($('token').value.trim()); });
$('sign-out').addEventListener('click', signOut);
$('nav-inbox').addEventListener('click', clearBadge);
$('filters').addEventListener('change', loadInbox);
$('search').addEventListener('input', refreshInboxSoon);
$('filters').addEventListener('submit', e => e.preventDefault());
$('range').addEventListener('submit', e => { e.preventDefault(); loadAnalytics(); });
window.addEventListener('hashchange', () => { if (me) route(); });
if (sessionStorage.getItem(TOKEN)) signIn(sessionStorage.getItem(TOKEN));
