// The Switchboard chat widget: <switchboard-chat session="…" token="…"></switchboard-chat>.
// A standard web component with no dependencies. The token is a client token for this session
// (POST /api/v1/sessions/{key}/client-tokens, issued by the website's backend). The transcript and
// the last reply seq are kept in localStorage, so a reload or a reconnect resumes where it was:
// nothing lost, nothing twice (replies are deduplicated by their seq).

const STYLE = `
:host { display: flex; flex-direction: column; font: 15px/1.4 system-ui, sans-serif; color: #1d2330;
  border: 1px solid #d5d9e0; border-radius: 12px; overflow: hidden; background: #fff; height: 100%; min-height: 320px; }
header { padding: 10px 14px; background: #24345c; color: #fff; display: flex; justify-content: space-between; gap: 8px; }
header .status { font-size: 12px; opacity: .85; }
ol { list-style: none; margin: 0; padding: 12px; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 8px; }
li { flex-shrink: 0; max-width: 80%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; word-wrap: break-word; }
li.customer { align-self: flex-end; background: #2d6cdf; color: #fff; border-bottom-right-radius: 4px; }
li.bot, li.agent { align-self: flex-start; background: #eef1f6; border-bottom-left-radius: 4px; }
li.agent { background: #e5f4ea; }
li.event { align-self: center; background: none; color: #5c6578; font-size: 13px; padding: 2px; }
li .who { display: block; font-size: 12px; font-weight: 600; color: #3b475e; }
li.customer .who { display: none; }
li.sending { opacity: .6; }
.typing { padding: 0 14px 6px; font-size: 13px; color: #5c6578; min-height: 18px; }
form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e3e6eb; }
textarea { flex: 1; resize: none; font: inherit; padding: 8px; border: 1px solid #c3c8d2; border-radius: 8px; }
button { font: inherit; padding: 8px 14px; border: 0; border-radius: 8px; background: #24345c; color: #fff; cursor: pointer; }
button:focus-visible, textarea:focus-visible { outline: 3px solid #f0b429; outline-offset: 1px; }
`;

export class SwitchboardChat extends HTMLElement {
  static get observedAttributes() { return ['session', 'token']; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.shadowRoot.innerHTML = `<style>${STYLE}</style>
      <header><span class="title">Chat with us</span><span class="status" role="status" aria-live="polite">connecting…</span></header>
      <ol aria-live="polite" aria-label="Conversation"></ol>
      <div class="typing" aria-live="polite"></div>
      <form><label for="text" hidden>Your message</label>
        <textarea id="text" rows="1" placeholder="Write a message…" aria-label="Your message"></textarea>
        <button type="submit">Send</button></form>`;
    this.list = this.shadowRoot.querySelector('ol');
    this.statusLine = this.shadowRoot.querySelector('.status');
    this.typingLine = this.shadowRoot.querySelector('.typing');
    this.input = this.shadowRoot.querySelector('textarea');
    this.shadowRoot.querySelector('form').addEventListener('submit', e => { e.preventDefault(); this.send(); });
    this.input.addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this.send(); return; }
      // a person on an outside desk sees that the customer is typing; at most every 3 s
      if (Date.now() - (this.typingSent || 0) > 3000 && this.socket?.readyState === WebSocket.OPEN) {
        this.typingSent = Date.now();
        this.socket.send('{"type":"typing"}');
      }
    });
    this.retryDelay = 500;
    this.streams = new Map();
  }

  connectedCallback() {
    this.storeKey = `switchboard-chat:${this.getAttribute('session')}`;
    this.state = JSON.parse(localStorage.getItem(this.storeKey) || '{"lastSeq":0,"items":[],"unsent":[]}');
    this.state.items.forEach(item => this.render(item));
    this.connect();
  }

  disconnectedCallback() {
    this.closed = true;
    if (this.socket) this.socket.close();
  }

  save() { localStorage.setItem(this.storeKey, JSON.stringify(this.state)); }

  connect() {
    const base = (this.getAttribute('base') || location.origin).replace(/^http/, 'ws');
    const session = encodeURIComponent(this.getAttribute('session'));
    const token = encodeURIComponent(this.getAttribute('token'));
    const socket = new WebSocket(`${base}/ws/v1/chat/${session}?access_token=${token}&afterSeq=${this.state.lastSeq}`);
    this.socket = socket;
    this.ready = false;
    socket.onopen = () => {
      this.retryDelay = 500;
    };
    socket.onmessage = e => this.receive(JSON.parse(e.data));
    socket.onclose = () => {
      this.ready = false;
      if (this.closed) return;
      this.setStatus('offline — reconnecting…');
      setTimeout(() => this.connect(), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 5000);
    };
  }

  setStatus(text) {
    this.statusLine.textContent = text;
    this.dataset.status = text.startsWith('online') ? 'online' : 'offline';
  }

  send() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = '';
    const message = { id: crypto.randomUUID(), text };
    const item = { kind: 'customer', id: message.id, text, sending: true };
    this.state.items.push(item);
    this.state.unsent.push(message);
    this.save();
    this.render(item);
    if (this.ready) {
      this.socket.send(JSON.stringify({ type: 'message', ...message }));
    }
  }

  receive(frame) {
    switch (frame.type) {
      case 'ready': {
        // the server listens now (a frame sent before could be lost): send what is waiting
        this.ready = true;
        this.setStatus('online');
        this.state.unsent.forEach(m => this.socket.send(JSON.stringify({ type: 'message', id: m.id, text: m.text })));
        break;
      }
      case 'accepted': {
        this.state.unsent = this.state.unsent.filter(m => m.id !== frame.id);
        const item = this.state.items.find(i => i.id === frame.id);
        if (item) { item.sending = false; this.rerender(item); }
        this.save();
        break;
      }
      case 'token': {
        let stream = this.streams.get(frame.replyTo);
        if (!stream) {
          stream = this.render({ kind: 'bot streaming', text: '' });
          this.streams.set(frame.replyTo, stream);
        }
        stream.querySelector('.text').textContent += frame.text;
        break;
      }
      case 'message': {
        if (frame.seq <= this.state.lastSeq) break; // a resume repeats what we have
        const stream = this.streams.get(frame.replyTo);
        if (stream) { stream.remove(); this.streams.delete(frame.replyTo); }
        const from = frame.from || { kind: 'bot' };
        if (from.kind === 'agent' && from.name && from.name !== this.state.agent) {
          this.state.agent = from.name;
          this.addItem({ kind: 'event', text: `${from.name} joined the conversation` });
        }
        this.typingLine.textContent = '';
        this.addItem({ kind: from.kind === 'agent' ? 'agent' : 'bot', who: from.name || 'Assistant', seq: frame.seq,
          text: frame.text });
        this.acknowledge(frame.seq);
        break;
      }
      case 'state':
        if (frame.seq > this.state.lastSeq) this.acknowledge(frame.seq);
        break;
      case 'typing':
        this.typingLine.textContent = `${frame.from.name} is typing…`;
        clearTimeout(this.typingTimer);
        this.typingTimer = setTimeout(() => { this.typingLine.textContent = ''; }, 4000);
        break;
      case 'error':
        if (frame.code !== 'invalid_seq') this.addItem({ kind: 'event', text: `Could not send: ${frame.message}` });
        break;
      default:
    }
  }

  acknowledge(seq) {
    this.state.lastSeq = Math.max(this.state.lastSeq, seq);
    this.save();
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: 'ack', seq }));
  }

  addItem(item) {
    this.state.items.push(item);
    this.save();
    this.render(item);
  }

  render(item) {
    const li = document.createElement('li');
    li.className = item.kind + (item.sending ? ' sending' : '');
    if (item.id) li.dataset.id = item.id;
    if (item.seq) li.dataset.seq = item.seq;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = item.who || (item.kind.startsWith('bot') ? 'Assistant' : '');
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = item.text;
    if (item.kind !== 'event') li.append(who);
    li.append(text);
    this.list.append(li);
    this.list.scrollTop = this.list.scrollHeight;
    return li;
  }

  rerender(item) {
    const li = this.list.querySelector(`li[data-id="${item.id}"]`);
    if (li) li.classList.toggle('sending', !!item.sending);
  }
}

customElements.define('switchboard-chat', SwitchboardChat);
