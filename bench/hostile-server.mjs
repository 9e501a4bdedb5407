// A hostile MPSD target for bench/hostile-targets.sh: one misbehaviour per MODE, on 127.0.0.1:PORT (0 picks a free
// port). Prints "listening on PORT" once ready; runs until killed. Node's built-in http and net modules only.
//   node bench/hostile-server.mjs MODE PORT
// Modes (every connection / request):
//   hang           accepts connections, never answers
//   drip           answers status and headers, then one byte a second forever
//   garbage        answers bytes that are not HTTP, then closes
// and, where a GET answers 200 with a plausible session document (so the run's probe passes) and PUT/DELETE misbehave:
//   get-only       never answers
//   endless-json   200 application/json, body {"a":"xxxx... forever
//   random-bytes   200 application/json, 64 KiB of random bytes (control characters included)
//   slow-headers   the status line, then one header byte a second, never finishing the headers
//   reset-headers  part of the headers, then a TCP reset
//   reset-body     headers with Content-Length, half the body, then a TCP reset
//   html-500       500 text/html
import http from 'node:http';
import net from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';

const [mode, portArg = '0'] = process.argv.slice(2);
const modes = ['hang', 'drip', 'garbage', 'get-only', 'endless-json', 'random-bytes', 'slow-headers', 'reset-headers',
  'reset-body', 'html-500'];
if (!modes.includes(mode)) {
  console.error(`usage: node hostile-server.mjs MODE PORT (MODE: ${modes.join(', ')})`);
  process.exit(2);
}

// A session as MPSD answers one just created by its first member (the shape of fixtures/response/valid/fresh-one-member-session.json).
function session() {
  const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
  return JSON.stringify({
    contractVersion: 107, branch: randomUUID(), changeNumber: 1, correlationId: randomUUID().toUpperCase(), startTime: now,
    constants: {
      system: {
        version: 1, maxMembersCount: 8, visibility: 'open', inviteProtocol: 'game', reservedRemovalTimeout: 30000,
        inactiveRemovalTimeout: 0, readyRemovalTimeout: 180000, sessionEmptyTimeout: 0,
        capabilities: { connectivity: true, gameplay: true, crossPlay: true },
      },
      custom: {},
    },
    properties: { system: { joinRestriction: 'none', readRestriction: 'none', turn: [] }, custom: {} },
    members: {
      0: {
        constants: { system: { index: 0, xuid: '2814650000000001', initialize: false }, custom: {} },
        properties: { system: { active: true }, custom: {} },
        gamertag: 'Quiet Heron', activeTitleId: '1873241301', joinTime: now, next: 1,
      },
    },
    membersInfo: { first: 0, next: 1, count: 1, accepted: 1 },
    servers: {},
  });
}

function every(socket, ms, fn) {
  const timer = setInterval(() => { if (socket.destroyed) clearInterval(timer); else fn(); }, ms);
  socket.on('close', () => clearInterval(timer));
}

function misbehave(req, res) {
  const socket = req.socket;
  switch (mode) {
    case 'get-only':
      return; // never answers
    case 'endless-json': {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"a":"');
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => { while (!res.destroyed && res.write(chunk)); };
      res.on('drain', pump);
      pump();
      return;
    }
    case 'random-bytes': {
      const body = randomBytes(64 * 1024);
      body[0] = 0x7b; // '{', then anything: NULs, control characters, invalid UTF-8
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
      return;
    }
    case 'slow-headers': {
      socket.write('HTTP/1.1 200 OK\r\n');
      const header = 'X-Slow: ';
      let i = 0;
      every(socket, 1000, () => socket.write(i < header.length ? header[i++] : 'a'));
      return;
    }
    case 'reset-headers':
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Le');
      setTimeout(() => socket.resetAndDestroy(), 50);
      return;
    case 'reset-body': {
      const body = session();
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `ETag: "1"\r\n\r\n${body.slice(0, body.length >> 1)}`);
      setTimeout(() => socket.resetAndDestroy(), 50);
      return;
    }
    case 'html-500':
      res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>' +
        '<body><h1>Internal Server Error</h1><p>The server encountered an unexpected condition.</p></body></html>');
      return;
  }
}

let server;
if (mode === 'hang' || mode === 'garbage') {
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    if (mode === 'garbage') {
      socket.once('data', () => socket.end(Buffer.concat([
        Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\0\x01\x02\xff\xfe garbage '), randomBytes(512)])));
    } else {
      socket.resume(); // reads the request, answers nothing
    }
  });
} else {
  server = http.createServer((req, res) => {
    req.socket.on('error', () => {});
    req.resume();
    if (mode === 'drip') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      every(req.socket, 1000, () => res.write(' '));
    } else if (req.method === 'GET') {
      const body = session();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ETag: '"1"' });
      res.end(body);
    } else {
      misbehave(req, res);
    }
  });
  // Never time a request out from this side: the misbehaviour goes on until the client gives up.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 0;
  server.timeout = 0;
}
server.on('clientError', (_, socket) => socket.destroy());
server.listen(Number(portArg), '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
