// The page: reads the form, sends commands to the training worker, and draws what it sends back.
// It holds no tensors; everything backprop does happens in worker.ts.
import { DEFAULT_CONFIG, formatConfig, parseConfig } from './config.js';
import type { DataInfo, FromWorker, Snapshot, ToWorker } from './protocol.js';
import { drawBoundary, drawPoints, legendHtml, nearestPoint, toCanvas } from './ui/boundary-view.js';
import { fmt } from './ui/colors.js';
import { readControls, setupControls, writeControls } from './ui/controls.js';
import { drawCurves } from './ui/curves-view.js';
import { drawGraph } from './ui/graph-view.js';
import { type StatusView, showStatus } from './ui/status.js';

/** What the page exposes for tests and curious learners, as `window.__playground`. */
export interface PlaygroundHandle {
  readonly info: DataInfo | null;
  readonly snapshot: Snapshot | null;
  readonly running: boolean;
  /** Pixel of input-space point (x1, x2) on the boundary canvas. */
  toCanvas(x1: number, x2: number): [number, number];
}

declare global {
  interface Window {
    __playground?: PlaygroundHandle;
  }
}

function byId<T extends Element>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`playground: the page has no element #${id}`);
  return found as unknown as T;
}

const form = byId<HTMLFormElement>('controls');
const boundary = byId<HTMLCanvasElement>('boundary');
const points = byId<HTMLCanvasElement>('points');
const curves = byId<HTMLCanvasElement>('curves');
const graph = byId<SVGSVGElement>('graph');
const status: StatusView = { element: byId('status'), error: byId('error') };
const worker = new Worker('worker.js');

let info: DataInfo | null = null;
let snapshot: Snapshot | null = null;
let running = false;
let selected = 0;
let frame = 0;

function send(message: ToWorker): void {
  worker.postMessage(message);
}

function reset(): void {
  const parsed = parseConfig(readControls(form));
  if (!parsed.ok) {
    status.error.textContent = parsed.error;
    return;
  }
  status.error.textContent = '';
  running = false;
  send({ type: 'reset', config: parsed.config, example: selected });
}

function showData(next: DataInfo): void {
  if (info?.name !== next.name) selected = 0;
  info = next;
  byId('description').textContent = next.description;
  byId('legend').innerHTML = legendHtml(next.classes, next.classNames);
  const axes = `${next.inputs[0]} →, ${next.inputs[1]} ↑`;
  const fixed = next.fixedInputs.map((v, k) => `${next.inputs[k + 2]} = ${v}`).join(', ');
  byId('axes').textContent = fixed ? `${axes}; ${fixed}` : axes;
  const n = next.train.labels.length;
  byId('batch-hint').textContent = `1 = online, ${n} = full batch (now ${next.batchSize})`;
}

// Draws the latest snapshot once per animation frame, however fast the worker sends them.
function draw(): void {
  frame = 0;
  if (!info || !snapshot) return;
  drawBoundary(boundary, snapshot.boundary, info.classes);
  drawPoints(points, info, { predictions: snapshot.predictions, selected });
  drawCurves(curves, snapshot.history);
  drawGraph(graph, snapshot.graph, info.inputs);
  byId('graph-caption').textContent = caption(snapshot, info);
  showStatus(status, snapshot, running);
  setButtons();
}

function caption(s: Snapshot, data: DataInfo): string {
  const g = s.graph;
  const x = g.activations[0]!.map((v) => Number(v.toFixed(3))).join(', ');
  const name = (c: number) => data.classNames[c] ?? String(c);
  return `Example ${g.example + 1} of ${data.train.labels.length}: x = (${x}), target ${name(g.target)}, predicted ${name(g.predicted)}, loss ${fmt(g.loss, 3)}.`;
}

function setButtons(): void {
  byId<HTMLButtonElement>('train').disabled = running;
  byId<HTMLButtonElement>('pause').disabled = !running;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (message.type === 'data') showData(message.info);
  else if (message.type === 'error') {
    running = false;
    status.error.textContent = message.message;
    setButtons();
  } else {
    snapshot = message.snapshot;
    running = message.running;
    if (!frame) frame = requestAnimationFrame(draw);
  }
};

function wire(): void {
  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('change', (e) => {
    const target = e.target as HTMLSelectElement;
    // Speed is how fast to go, not what to train: it never starts a new run.
    if (target.name === 'speed') send({ type: 'speed', stepsPerSlice: Number(target.value) });
    else reset();
  });
  const click = (id: string, fn: () => void) => byId(id).addEventListener('click', fn);
  click('train', () => {
    running = true;
    setButtons();
    send({ type: 'train' });
  });
  click('pause', () => send({ type: 'pause' }));
  click('step', () => send({ type: 'step' }));
  click('reset', reset);
  points.addEventListener('click', (e) => {
    if (!info) return;
    const scale = points.width / points.getBoundingClientRect().width;
    selected = nearestPoint(info, points.width, e.offsetX * scale, e.offsetY * scale);
    send({ type: 'select', example: selected });
  });
}

setupControls(form);
writeControls(form, formatConfig(DEFAULT_CONFIG));
wire();
window.__playground = {
  get info() {
    return info;
  },
  get snapshot() {
    return snapshot;
  },
  get running() {
    return running;
  },
  toCanvas: (x1, x2) => toCanvas(info?.plane ?? { min: 0, max: 1 }, boundary.width, x1, x2),
};
reset();
