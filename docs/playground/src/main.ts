// The page: reads the form, sends commands to the training worker, and draws what it sends back.
// It holds no tensors; everything backprop does happens in worker.ts.
import {
  type FieldError,
  formatConfig,
  needsNewRun,
  type PlaygroundConfig,
  parseConfig,
  parseHidden,
  stepLearningRate,
} from './config.js';
import { setupLesson } from './lesson/panel.js';
import type { DataInfo, FromWorker, Snapshot, ToWorker } from './protocol.js';
import {
  drawBoundary,
  drawPoints,
  legendHtml,
  nearestPoint,
  toCanvas,
  wireDiscretize,
} from './ui/boundary-view.js';
import { fmt } from './ui/colors.js';
import { hasWebGPU, markInvalid, readControls, setupControls, writeControls } from './ui/controls.js';
import { drawCurves } from './ui/curves-view.js';
import { setDisabledKeepingFocus } from './ui/focus.js';
import { GraphTables } from './ui/graph-tables.js';
import { drawGraph } from './ui/graph-view.js';
import { renderLayerButtons } from './ui/layer-buttons.js';
import { type StatusView, showStatus } from './ui/status.js';
import { valueLegendHtml } from './ui/value-view.js';
import { queryWithSettings, settingsFromQuery } from './url-settings.js';

/** What the page exposes for tests and curious learners, as `window.__playground`. */
export interface PlaygroundHandle {
  readonly info: DataInfo | null;
  readonly snapshot: Snapshot | null;
  readonly running: boolean;
  /** The settings of the run the worker has (the form may hold newer, invalid ones). */
  readonly config: PlaygroundConfig | null;
  /** Runs the worker has started; `snapshot` is null until the newest run's first one arrives. */
  readonly runs: number;
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
const status: StatusView = {
  element: byId('status'),
  error: byId('error'),
  announcer: byId<HTMLElement>('announcer'),
};
const graphTables = new GraphTables(byId<HTMLDetailsElement>('graph-numbers'), byId('graph-tables'));
const worker = new Worker('worker.js');

let info: DataInfo | null = null;
let snapshot: Snapshot | null = null;
let running = false;
let selected = 0;
let frame = 0;
// The run the worker has; the form's fields that do not parse (training waits until they do); and
// the run's divergence or the worker's last error, which only a new run clears.
let current: PlaygroundConfig | null = null;
let fieldErrors: FieldError[] = [];
let diverged: { step: number; message: string } | null = null;
let workerError: string | null = null;
let runs = 0;

function send(message: ToWorker): void {
  worker.postMessage(message);
}

// The lesson mode (its own section): it asks the worker for each lesson iteration's numbers.
const lesson = setupLesson((request) => send({ type: 'lesson', request }));

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

// The error line: the fields that do not parse (each message names the field and the value),
// then what stopped the run.
function showErrors(): void {
  const run = diverged ? sentence(diverged.message) : workerError;
  status.error.textContent = [...fieldErrors.map((e) => e.message), ...(run ? [run] : [])].join(' · ');
  markInvalid(form, fieldErrors, status.error.id);
}

// The settings go into the URL (only those that differ from the defaults), so a reload or a
// shared link opens the same run; parameters the page does not know, like `lesson`, stay.
function writeUrl(config: PlaygroundConfig): void {
  const query = queryWithSettings(location.search, config);
  const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`)
    history.replaceState(history.state, '', url);
}

function startRun(config: PlaygroundConfig): void {
  current = config;
  fieldErrors = [];
  diverged = null;
  workerError = null;
  running = false;
  send({ type: 'reset', config, example: selected });
  writeUrl(config);
  showErrors();
  showLayers();
  setButtons();
}

// Reset: a new run from the form, when it parses.
function reset(): void {
  const parsed = parseConfig(readControls(form));
  if (parsed.ok) startRun(parsed.config);
  else applyForm();
}

// After any edit of the form. A field that does not parse stops the run and keeps Train and Step
// disabled until it does; a new learning rate goes to the running network in place; anything else
// that changed starts a new run.
function applyForm(): void {
  byId('url-notice').textContent = '';
  const parsed = parseConfig(readControls(form));
  if (!parsed.ok) {
    fieldErrors = parsed.errors;
    // `running` turns false with the worker's answer to the pause: snapshots already on their way
    // were taken while it still trained.
    send({ type: 'pause' });
    showErrors();
    showLayers();
    setButtons();
    return;
  }
  if (current && !needsNewRun(current, parsed.config)) {
    if (parsed.config.lr !== current.lr) send({ type: 'lr', lr: parsed.config.lr });
    current = parsed.config;
    fieldErrors = [];
    writeUrl(current);
    showErrors();
    showLayers();
    setButtons();
    return;
  }
  startRun(parsed.config);
}

function hiddenField(): HTMLInputElement {
  return form.elements.namedItem('hidden') as HTMLInputElement;
}

// The + and − buttons of the hidden layers follow the field (all disabled while it does not parse).
function showLayers(): void {
  let hidden: number[] | null = null;
  try {
    hidden = parseHidden(hiddenField().value);
  } catch {
    hidden = null;
  }
  renderLayerButtons(byId('layer-buttons'), hidden, (next) => {
    hiddenField().value = next.join(', ');
    applyForm();
  });
}

function showSliders(): void {
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
  byId('noise-value').textContent = `${value('noise')}%`;
  byId('ratio-value').textContent = `${value('trainRatio')}%`;
}

// The status line after a divergence: the snapshot drawn is the last finite one.
function showDiverged(): void {
  if (!diverged) return;
  status.element.dataset.state = 'diverged';
  status.element.dataset.divergedStep = String(diverged.step);
  const shown = snapshot ? ` · showing step ${snapshot.step}, the last finite one` : '';
  status.element.textContent = `${diverged.message}${shown}`;
}

// Sent once per new run, after every message of the run before it: a divergence reported before
// it was the old run's.
function showData(next: DataInfo): void {
  if (info?.name !== next.name) selected = 0;
  info = next;
  runs += 1;
  snapshot = null; // the previous run's: its first snapshot follows this message
  diverged = null;
  workerError = null;
  showErrors();
  byId('description').textContent = next.description;
  const regression = next.task === 'regression';
  byId('legend').innerHTML = regression ? valueLegendHtml() : legendHtml(next.classes, next.classNames);
  (form.elements.namedItem('loss') as HTMLSelectElement).disabled = regression;
  byId<HTMLElement>('loss-hint').hidden = !regression;
  for (const name of ['noise', 'trainRatio']) {
    (form.elements.namedItem(name) as HTMLInputElement).disabled = next.sameValidation;
  }
  byId('split-hint').textContent = next.sameValidation
    ? 'A lecture table: every point, no noise; it validates on itself.'
    : `${next.train.labels.length} training and ${next.validation.labels.length} validation points.`;
  byId('features-hint').textContent =
    next.inputs.length === 2
      ? `The network's inputs: ${next.features.join(', ')}.`
      : `Not used by this table: its inputs are ${next.inputs.join(', ')}.`;
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
  drawBoundary(boundary, snapshot.boundary, info.classes, info.classNames);
  const predictions = info.task === 'regression' ? null : snapshot.predictions;
  drawPoints(points, info, { predictions, selected });
  drawCurves(curves, snapshot.history);
  drawGraph(graph, snapshot.graph, info.features, snapshot.units);
  byId('graph-caption').textContent = caption(snapshot, info);
  showStatus(status, snapshot, running);
  showDiverged();
  setButtons();
  // Last: it lays out its tables at once when it updates them (graph-tables.ts).
  graphTables.show(snapshot.graph, info.features);
}

function caption(s: Snapshot, data: DataInfo): string {
  const g = s.graph;
  const x = g.activations[0]!.map((v) => Number(v.toFixed(3))).join(', ');
  const name = (c: number) => (data.task === 'regression' ? fmt(c, 3) : (data.classNames[c] ?? String(c)));
  return `Example ${g.example + 1} of ${data.train.labels.length}: x = (${x}), target ${name(g.target)}, predicted ${name(g.predicted)}, loss ${fmt(g.loss, 3)}.`;
}

// Train and Step wait for a form that parses and a run that has not diverged.
function setButtons(): void {
  const blocked = fieldErrors.length > 0 || diverged !== null;
  // A button that disables itself hands the keyboard focus to the one that takes over.
  setDisabledKeepingFocus(
    [
      [byId<HTMLButtonElement>('train'), running || blocked],
      [byId<HTMLButtonElement>('pause'), !running],
      [byId<HTMLButtonElement>('step'), blocked],
    ],
    byId<HTMLElement>('reset'),
  );
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  if (message.type === 'data') showData(message.info);
  else if (message.type === 'lesson') lesson.receive(message.reply);
  else if (message.type === 'error') {
    running = false;
    workerError = message.message;
    showErrors();
    setButtons();
  } else if (message.type === 'diverged') {
    running = false;
    diverged = { step: message.step, message: message.message };
    showErrors();
    showDiverged();
    setButtons();
  } else {
    snapshot = message.snapshot;
    running = message.running;
    if (!frame) frame = requestAnimationFrame(draw);
  }
};

function wire(): void {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    applyForm();
  });
  form.addEventListener('input', showSliders);
  form.addEventListener('change', (e) => {
    const target = e.target as HTMLSelectElement;
    // Speed is how fast to go, not what to train: it never starts a new run.
    if (target.name === 'speed') send({ type: 'speed', stepsPerSlice: Number(target.value) });
    else applyForm();
  });
  const click = (id: string, fn: () => void) => byId(id).addEventListener('click', fn);
  const blocked = () => fieldErrors.length > 0 || diverged !== null;
  click('train', () => {
    if (blocked()) return;
    running = true;
    setButtons();
    send({ type: 'train' });
  });
  click('pause', () => send({ type: 'pause' }));
  click('step', () => {
    if (!blocked()) send({ type: 'step' });
  });
  click('reset', reset);
  // Outside the form: switching the boundary's look redraws it and starts no new run.
  wireDiscretize(byId('discretize'), boundary, () => {
    if (!frame) frame = requestAnimationFrame(draw);
  });
  const lr = form.elements.namedItem('lr') as HTMLInputElement;
  const stepLr = (direction: 1 | -1) => {
    const now = lr.value.trim() === '' ? Number.NaN : Number(lr.value);
    lr.value = String(stepLearningRate(now, direction));
    applyForm();
  };
  click('lr-down', () => stepLr(-1));
  click('lr-up', () => stepLr(1));
  points.addEventListener('click', (e) => {
    if (!info) return;
    const scale = points.width / points.getBoundingClientRect().width;
    selected = nearestPoint(info, points.width, e.offsetX * scale, e.offsetY * scale);
    send({ type: 'select', example: selected });
  });
}

// The settings a URL asks for, each bad one replaced by its default with a sentence saying so.
function settingsFromUrl(): PlaygroundConfig {
  const { raw, problems } = settingsFromQuery(location.search);
  if (raw.device === 'webgpu' && !hasWebGPU()) {
    raw.device = 'cpu';
    problems.push('URL: device=webgpu is not used (this browser has no WebGPU); using the default cpu');
  }
  byId('url-notice').textContent = problems.join(' · ');
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new Error(`playground: the URL's settings did not parse: ${parsed.error}`);
  writeControls(form, formatConfig(parsed.config)); // as the form writes them: `8, 8`, not `8,8`
  return parsed.config;
}

setupControls(form);
const initial = settingsFromUrl();
showSliders();
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
  get config() {
    return current;
  },
  get runs() {
    return runs;
  },
  toCanvas: (x1, x2) => toCanvas(info?.plane ?? { min: 0, max: 1 }, boundary.width, x1, x2),
};
startRun(initial);
