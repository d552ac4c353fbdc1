// The training worker: owns the Session, steps it in slices of about a frame, and posts a snapshot
// after each slice. Training never runs on the page's thread, so the page never freezes.
import { initWebGPU } from '@backprop/core';
import { answerLesson } from './lesson/compute.js';
import type { FromWorker, Snapshot, ToWorker } from './protocol.js';
import { divergenceMessage, Session } from './session.js';

// The slice of the dedicated-worker global this file uses (the project's lib is DOM, not WebWorker).
interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}

const scope = self as unknown as WorkerScope;
/** Most milliseconds of training between two snapshots: about two frames at 60 Hz. */
const SLICE_MS = 30;
/** Pause between slices at a set speed, so that `stepsPerSlice` steps go by per frame. */
const FRAME_MS = 16;

let session: Session | null = null;
let example = 0;
let running = false;
// Steps per slice: the page's speed setting (Infinity: as many as fit in SLICE_MS).
let stepsPerSlice = 10;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

// Stops for good when the run has diverged: the page keeps drawing the last finite snapshot.
function reportDivergence(): boolean {
  const divergence = session?.divergence;
  if (!divergence) return false;
  running = false;
  post({ type: 'diverged', step: divergence.step, message: divergenceMessage(divergence) });
  return true;
}

// A snapshot, or the divergence when the loss or a weight has stopped being finite (that snapshot
// is never sent, so no picture of NaN weights is drawn). On WebGPU the weights are read back first
// (once per frame, not per step).
async function publish(): Promise<void> {
  if (!session || reportDivergence()) return;
  await session.syncFromDevice();
  const snapshot: Snapshot = session.snapshot(example);
  if (reportDivergence()) return;
  post({ type: 'snapshot', snapshot, running });
}

// Runs fn, turning anything it throws (or rejects with) into an error message (training stops).
function guarded(fn: () => void | Promise<void>): void {
  const fail = (e: unknown): void => {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  };
  try {
    fn()?.catch(fail);
  } catch (e) {
    fail(e);
  }
}

async function slice(): Promise<void> {
  if (!running || !session) return;
  const start = performance.now();
  let steps = 0;
  do {
    session.step();
    steps += 1;
  } while (!session.divergence && steps < stepsPerSlice && performance.now() - start < SLICE_MS);
  await publish();
  // A macrotask between slices lets 'pause' and 'select' messages in.
  if (running) setTimeout(() => guarded(slice), Number.isFinite(stepsPerSlice) ? FRAME_MS : 0);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'reset':
      running = false;
      example = message.example;
      // The GPU device starts once, on the first run that asks for it.
      if (message.config.device === 'webgpu') await initWebGPU();
      session = new Session(message.config);
      post({ type: 'data', info: session.info() });
      await publish();
      return;
    case 'train':
      if (reportDivergence()) return;
      if (!running) {
        running = true;
        setTimeout(() => guarded(slice), 0);
      }
      return;
    case 'pause':
      running = false;
      await publish();
      return;
    case 'step':
      running = false;
      if (reportDivergence()) return;
      session?.step();
      await publish();
      return;
    case 'lr':
      session?.setLearningRate(message.lr);
      return;
    case 'speed':
      stepsPerSlice = message.stepsPerSlice;
      return;
    case 'lesson':
      // Independent of the training run: the lesson's own tiny network, computed at once.
      post({ type: 'lesson', reply: answerLesson(message.request) });
      return;
    case 'select':
      example = message.example;
      if (!running) await publish();
      return;
  }
}

scope.onmessage = (event) => guarded(() => handle(event.data));
