/** A page reader worker thread: decodes and parses the bodies the crawler sends it (see page-reader.ts). */
import { parentPort } from 'node:worker_threads';
import { parsePage } from '../parser/index.js';
import { BodyDecoder, PRODUCT_PAGE_END_MARKERS } from './body-reader.js';
import { type ReadReply, type ReadRequest, readInline } from './page-reader.js';

const port = parentPort;
if (!port) throw new Error('page-reader-worker must run as a worker thread');

const reply = (r: ReadReply): void => port.postMessage(r);
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
/** Streamed product pages being decoded, by request id. */
const streams = new Map<number, BodyDecoder>();

port.on('message', (req: ReadRequest) => {
  switch (req.op) {
    case 'page':
    case 'offers':
      try {
        const body = typeof req.body === 'string' ? req.body : asBuffer(req.body);
        reply({ id: req.id, ok: true, result: readInline(req.op, { ...req, body }) });
      } catch (err) {
        reply({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
      }
      return;
    case 'open': {
      const decoder = new BodyDecoder(
        req.coding,
        (end) => {
          streams.delete(req.id);
          if (!end.ok) return reply({ id: req.id, ok: false, error: end.error.message });
          // Tell the crawler to stop receiving before spending time on the parse.
          if (end.stoppedEarly) reply({ id: req.id, stop: true });
          try {
            const page = parsePage(end.decoded, { marketplace: req.marketplace, statusCode: req.statusCode, url: req.url });
            reply({ id: req.id, ok: true, result: { page, wireBytes: 0, decodedBytes: end.decoded.length, stoppedEarly: end.stoppedEarly } });
          } catch (err) {
            reply({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) });
          }
        },
        { stopAt: PRODUCT_PAGE_END_MARKERS },
      );
      streams.set(req.id, decoder);
      return;
    }
    case 'chunk':
      streams.get(req.id)?.write(asBuffer(req.chunk));
      return;
    case 'end':
      streams.get(req.id)?.end();
      return;
    case 'abort':
      streams.get(req.id)?.destroy();
      streams.delete(req.id);
      return;
  }
});
