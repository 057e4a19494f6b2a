/* global document, window, localStorage, FileReader */
// The customer's phone: no framework and no build step. Everything a person or an agent wrote
// is put on the page as text (textContent), never as HTML.
'use strict';

const TICKS = { accepted: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };
const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];
const POLL_MS = 800;

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'data') Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
};

const customer = {
  name: localStorage.getItem('ponte.name') || 'Carla',
  number: localStorage.getItem('ponte.number') || `55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
  channel: localStorage.getItem('ponte.channel') || 'whatsapp',
};
const BUSINESS = { whatsapp: '', messenger: 'Messenger · Ponte Support page', instagram: 'Instagram · @ponte.support' };
let businessNumber = '';
let lastRendered = '';
let pendingFile;

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.error || `the server answered ${res.status}`);
  return json;
}

function showProblem(message) {
  const p = $('problem');
  p.textContent = message || '';
  p.hidden = !message;
}

function time(at) {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** WhatsApp's *bold* and _italic_, as elements holding text: the message itself stays text. */
function formatted(text) {
  const span = el('span', { class: 'text' });
  for (const part of text.split(/(\*[^*\n]+\*|_[^_\n]+_)/)) {
    if (/^\*[^*]+\*$/.test(part)) span.append(el('strong', { text: part.slice(1, -1) }));
    else if (/^_[^_]+_$/.test(part)) span.append(el('em', { text: part.slice(1, -1) }));
    else if (part) span.append(document.createTextNode(part));
  }
  return span;
}

function mediaNode(item) {
  const m = item.media;
  if (!m || !m.url) return undefined;
  if (item.kind === 'image' || item.kind === 'sticker') return el('img', { src: m.url, alt: m.filename || 'picture' });
  if (item.kind === 'video') return el('video', { src: m.url, controls: '' });
  if (item.kind === 'audio') return el('audio', { src: m.url, controls: '' });
  return el('a', { class: 'file', href: m.url, download: m.filename || 'file', text: `📄 ${m.filename || 'file'}` });
}

function reactBar(item) {
  const bar = el('div', { class: 'react', role: 'group', 'aria-label': 'React' });
  for (const emoji of REACTIONS) {
    const b = el('button', { type: 'button', title: `React ${emoji}`, text: emoji });
    b.addEventListener('click', () => send({ reaction: { messageId: item.id, emoji: item.reactions.customer === emoji ? '' : emoji } }));
    bar.append(b);
  }
  return bar;
}

function bubble(item) {
  const reactions = [item.reactions.business, item.reactions.customer].filter(Boolean).join('');
  const li = el('li', { class: `msg${reactions ? ' has-reaction' : ''}`, data: { id: item.id, from: item.from, kind: item.kind, status: item.status } }, [
    item.template ? el('span', { class: 'label', text: `template · ${item.template}` }) : undefined,
    mediaNode(item),
    item.text ? formatted(item.text) : undefined,
    el('div', { class: 'meta' }, [
      el('span', { text: time(item.at) }),
      el('span', { class: 'ticks', title: item.status, data: { status: item.status }, text: TICKS[item.status] || '' }),
    ]),
    reactions ? el('span', { class: 'reactions', text: reactions }) : undefined,
    item.from === 'business' ? reactBar(item) : undefined,
  ]);
  return li;
}

function render(items) {
  const json = JSON.stringify(items);
  if (json === lastRendered) return;
  lastRendered = json;
  const chat = $('chat');
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  chat.replaceChildren(...items.map(bubble));
  if (atBottom || items.length < 8) chat.scrollTop = chat.scrollHeight;
}

async function poll() {
  try {
    const { items } = await api(`/playground/api/chat?channel=${customer.channel}&user=${customer.number}`);
    render(items);
    // What is on screen while the page is visible has been read: blue ticks for the agent.
    const unread = items.filter((i) => i.from === 'business' && i.status === 'delivered').map((i) => i.id);
    if (unread.length && document.visibilityState === 'visible') await api('/playground/api/seen', { channel: customer.channel, user: customer.number, ids: unread });
  } catch (err) {
    showProblem(`Cannot reach Ponte: ${err.message}`);
  } finally {
    window.setTimeout(poll, POLL_MS);
  }
}

async function send(extra) {
  try {
    await api('/playground/api/messages', { channel: customer.channel, user: customer.number, name: customer.name, ...extra });
    showProblem('');
    lastRendered = '';
  } catch (err) {
    showProblem(`Not sent: ${err.message}`);
  }
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function loadInfo() {
  try {
    const info = await api('/playground/api/info');
    businessNumber = `+${info.business.number}`;
    showChannel();
    const a = info.agents;
    $('agents').textContent = a.hint || (a.channel ? `Agents answer in Slack channel ${a.channel}.` : '');
  } catch (err) {
    showProblem(`Cannot reach Ponte: ${err.message}`);
  }
}

function showChannel() {
  $('phone').dataset.channel = customer.channel;
  $('business-number').textContent = BUSINESS[customer.channel] || businessNumber;
}

function start() {
  $('name').value = customer.name;
  $('number').value = customer.number;
  $('channel').value = customer.channel;
  showChannel();
  $('who').addEventListener('submit', (e) => {
    e.preventDefault();
    customer.name = $('name').value.trim() || customer.name;
    customer.number = $('number').value.replace(/\D/g, '') || customer.number;
    customer.channel = $('channel').value;
    localStorage.setItem('ponte.name', customer.name);
    localStorage.setItem('ponte.number', customer.number);
    localStorage.setItem('ponte.channel', customer.channel);
    showChannel();
    lastRendered = '';
  });
  $('file').addEventListener('change', () => {
    pendingFile = $('file').files[0];
    $('file').parentElement.classList.toggle('has-file', !!pendingFile);
    $('text').placeholder = pendingFile ? `Caption for ${pendingFile.name}` : 'Message';
  });
  $('composer').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('text').value;
    const file = pendingFile;
    if (!text.trim() && !file) return;
    $('text').value = '';
    pendingFile = undefined;
    $('file').value = '';
    $('file').parentElement.classList.remove('has-file');
    $('text').placeholder = 'Message';
    if (file) await send({ text: text || undefined, file: { name: file.name, type: file.type || 'application/octet-stream', data: await readFile(file) } });
    else await send({ text });
  });
  $('later').addEventListener('click', async () => {
    try {
      await api('/playground/api/time-passes', { channel: customer.channel, user: customer.number });
      showProblem('');
      $('agents').textContent = 'A day has passed: the reply window is closed until you write again.';
    } catch (err) {
      showProblem(err.message);
    }
  });
  void loadInfo();
  void poll();
}

start();
