// A minimal server side of RFC 6455 WebSockets, enough for a fake Slack Socket Mode endpoint: the
// upgrade handshake, masked client frames (text, continuation, ping, close), unmasked server frames,
// and the closing handshake. The `ws` package is not installed in this repo (@slack/socket-mode 3
// uses undici's WebSocket client), so the fake speaks the protocol itself. No extensions: the
// client's permessage-deflate offer is declined by not echoing it.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface WsPeer {
  /** Sends one text frame. */
  send(text: string): void;
  /** Starts the closing handshake; the TCP connection ends when the client answers (or after 2 s). */
  close(code?: number): void;
  readonly open: boolean;
  /** Resolves when the TCP connection has ended. */
  readonly closed: Promise<void>;
}

export interface WsHandlers {
  onText(text: string, peer: WsPeer): void;
  onClose?(code: number | undefined, peer: WsPeer): void;
}

/** Completes the upgrade on `socket`, or answers 400 and returns undefined when it is not a WebSocket handshake. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, handlers: WsHandlers): WsPeer | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1').update(key + GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);

  let buffered = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let closeSent = false;
  let open = true;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.once('close', () => (open = false));
  socket.on('error', () => socket.destroy());

  const write = (opcode: number, payload: Buffer) => {
    if (socket.destroyed || socket.writableEnded) return;
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | opcode, len])
      : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), u64(len)]);
    socket.write(Buffer.concat([head, payload]));
  };
  const sendClose = (code?: number) => {
    if (closeSent) return;
    closeSent = true;
    const payload = code === undefined ? Buffer.alloc(0) : Buffer.from([code >> 8, code & 0xff]);
    write(OP.close, payload);
  };

  const peer: WsPeer = {
    send: (text) => write(OP.text, Buffer.from(text, 'utf8')),
    close(code = 1000) {
      sendClose(code);
      const t = setTimeout(() => socket.destroy(), 2000);
      t.unref();
    },
    get open() {
      return open && !closeSent;
    },
    closed,
  };

  const onFrame = (fin: boolean, opcode: number, payload: Buffer) => {
    if (opcode === OP.ping) return write(OP.pong, payload);
    if (opcode === OP.pong) return;
    if (opcode === OP.close) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
      handlers.onClose?.(code, peer);
      sendClose(code); // echo, unless we started the handshake
      socket.end(); // RFC 6455 §7.1.1: the server closes TCP first
      return;
    }
    fragments.push(payload);
    if (!fin) return;
    const message = Buffer.concat(fragments);
    fragments = [];
    handlers.onText(message.toString('utf8'), peer);
  };

  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      const frame = readFrame(buffered);
      if (!frame) return;
      buffered = buffered.subarray(frame.size);
      onFrame(frame.fin, frame.opcode, frame.payload);
    }
  });
  return peer;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** One complete frame at the start of `buf`, unmasked, or undefined when more bytes are needed. */
function readFrame(buf: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0]! & 0x80) !== 0;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let len = buf[1]! & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLen = masked ? 4 : 0;
  if (buf.length < offset + maskLen + len) return undefined;
  const mask = masked ? buf.subarray(offset, offset + 4) : undefined;
  const payload = Buffer.from(buf.subarray(offset + maskLen, offset + maskLen + len));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
  return { fin, opcode, payload, size: offset + maskLen + len };
}
