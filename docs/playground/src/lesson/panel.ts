// The lesson mode's controller on the page: the chooser, the step buttons, the editable numbers and
// the deep link. It asks the worker for each iteration's numbers (backprop runs there, never here)
// and reveals them one step at a time.
import { drawLesson, type LessonPicture } from './drawing.js';
import { buildEditor, type LessonEditor } from './editor.js';
import { type Explanation, explainStep } from './explain.js';
import {
  isLessonId,
  LESSONS,
  type LessonParams,
  type LessonSpec,
  nodeNumber,
  startParams,
} from './lessons.js';
import { type LessonStep, lessonSteps, nextKind, revealed } from './progress.js';
import { fillTables } from './tables.js';
import type { LessonReply, LessonRequest } from './types.js';
import { lessonFromUrl, urlWithLesson } from './url.js';

/** What the page's message loop calls when the worker answers a lesson request. */
export interface LessonPanel {
  receive(reply: LessonReply): void;
}

function byId<T extends Element>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`lesson mode: the page has no element #${id}`);
  return found as unknown as T;
}

function stepName(spec: LessonSpec, step: LessonStep | null): string {
  if (!step) return 'start';
  if (step.kind === 'error' || step.kind === 'update') return step.kind;
  return `${step.kind} n${nodeNumber(spec.sizes, step.layer, step.index)}`;
}

// On a narrow screen the drawing scrolls sideways: bring the current node (or E) into the middle.
function keepInView(svg: SVGSVGElement): void {
  const frame = svg.parentElement;
  const current = svg.querySelector('[aria-current="step"]');
  if (!frame || !current || frame.scrollWidth <= frame.clientWidth) return;
  const [box, view] = [current.getBoundingClientRect(), frame.getBoundingClientRect()];
  if (box.left < view.left || box.right > view.right)
    frame.scrollLeft += box.left + box.width / 2 - (view.left + view.width / 2);
}

function showExplanation(container: HTMLElement, explanation: Explanation): void {
  const heading = document.createElement('h3');
  heading.textContent = explanation.heading;
  const list = document.createElement('ul');
  for (const line of explanation.lines) {
    const item = document.createElement('li');
    item.textContent = line.text;
    if (line.backprop) {
      const check = document.createElement('span');
      check.className = line.backprop.agrees ? 'check' : 'check differs';
      check.textContent = line.backprop.agrees
        ? ` ✓ backward() gave ${line.backprop.text}`
        : ` ✗ backward() gave ${line.backprop.text}`;
      item.append(check);
    }
    list.append(item);
  }
  container.replaceChildren(heading, list);
}

/**
 * Wires the page's lesson section (#lesson) and opens the lesson named by `?lesson=` if any.
 * `send` posts a request to the worker; the page passes the worker's replies to `receive`.
 *
 * @example
 * ```ts
 * const lesson = setupLesson((request) => worker.postMessage({ type: 'lesson', request }));
 * worker.onmessage = (e) => e.data.type === 'lesson' && lesson.receive(e.data.reply);
 * ```
 */
export function setupLesson(send: (request: LessonRequest) => void): LessonPanel {
  const section = byId<HTMLElement>('lesson');
  const choice = byId<HTMLSelectElement>('lesson-choice');
  const body = byId<HTMLElement>('lesson-body');
  const error = byId<HTMLElement>('lesson-error');
  const svg = byId<SVGSVGElement>('lesson-graph');
  const explain = byId<HTMLElement>('lesson-explain');
  const progress = byId<HTMLElement>('lesson-progress');
  const tables = byId<HTMLElement>('lesson-tables');
  const values = byId<HTMLElement>('lesson-values');
  const buttons = {
    forward: byId<HTMLButtonElement>('lesson-forward'),
    backward: byId<HTMLButtonElement>('lesson-backward'),
    update: byId<HTMLButtonElement>('lesson-update'),
    reset: byId<HTMLButtonElement>('lesson-reset'),
  };

  let spec: LessonSpec | null = null;
  let editor: LessonEditor | null = null;
  let params: LessonParams | null = null;
  let picture: LessonPicture | null = null;
  let steps: LessonStep[] = [];
  let cursor = -1;
  let iteration = 1;
  let requestId = 0;
  let waiting = false;

  function request(): void {
    if (!spec || !params) return;
    requestId += 1;
    waiting = true;
    section.dataset.state = 'waiting';
    setButtons();
    send({ id: requestId, lesson: spec.id, params });
  }

  // A disabled button loses the keyboard focus: hand it to the button that moves on instead.
  function setButtons(): void {
    const ready = spec !== null && picture !== null && !waiting;
    const next = nextKind(steps, cursor);
    const focused = document.activeElement;
    buttons.forward.disabled = !ready || !(next === 'forward' || next === null);
    buttons.backward.disabled = !ready || next !== 'backward';
    buttons.update.disabled = !ready || next !== 'update';
    buttons.reset.disabled = spec === null;
    const lost = Object.values(buttons).find((b) => b === focused && b.disabled);
    if (lost && ready) (next === null ? buttons.forward : buttons[next]).focus();
  }

  function render(): void {
    setButtons();
    if (!spec || !picture) return;
    const shown = revealed(steps, cursor);
    picture = { ...picture, shown };
    drawLesson(svg, picture);
    keepInView(svg);
    fillTables(tables, picture);
    const step = shown.current;
    const name = stepName(spec, step);
    section.dataset.step = name;
    section.dataset.iteration = String(iteration);
    progress.textContent =
      cursor < 0
        ? `Iteration ${iteration}: press “forward step” to compute the first node.`
        : `Iteration ${iteration}, step ${cursor + 1} of ${steps.length}: ${name}.`;
    if (step) showExplanation(explain, explainStep(spec, picture.trace, step));
    else showExplanation(explain, { heading: spec.title, lines: [{ text: spec.intro }] });
  }

  function open(id: string, fromUser: boolean): void {
    error.textContent = '';
    spec = isLessonId(id) ? LESSONS[id] : null;
    if (fromUser) history.replaceState(history.state, '', urlWithLesson(location.href, spec?.id ?? null));
    section.dataset.lesson = spec?.id ?? 'off';
    picture = null;
    body.hidden = spec === null;
    if (!spec) {
      editor = null;
      params = null;
      delete section.dataset.state;
      setButtons();
      return;
    }
    steps = lessonSteps(spec.sizes);
    editor = buildEditor(values, spec);
    restart(startParams(spec), 1);
  }

  function restart(next: LessonParams, nextIteration: number): void {
    error.textContent = '';
    params = next;
    cursor = -1;
    iteration = nextIteration;
    editor?.write(next);
    request();
    render();
  }

  function step(kind: 'forward' | 'backward' | 'update'): void {
    if (!spec || !picture || waiting) return;
    const next = nextKind(steps, cursor);
    if (kind === 'forward' && next === null) {
      // After the update, the next forward step starts the next iteration from the new numbers.
      const { updated } = picture.trace;
      restart({ ...picture.trace.params, weights: updated.weights, biases: updated.biases }, iteration + 1);
      cursor = 0;
      return;
    }
    if (next !== kind) return;
    cursor += 1;
    render();
  }

  function edit(): void {
    if (!editor || !params) return;
    const read = editor.read(params);
    if (!read.ok) {
      // The numbers on screen stay those of the last valid edit.
      error.textContent = read.error;
      return;
    }
    error.textContent = '';
    params = read.params;
    request();
  }

  choice.addEventListener('change', () => open(choice.value, true));
  buttons.forward.addEventListener('click', () => step('forward'));
  buttons.backward.addEventListener('click', () => step('backward'));
  buttons.update.addEventListener('click', () => step('update'));
  buttons.reset.addEventListener('click', () => spec && restart(startParams(spec), 1));
  values.addEventListener('change', edit);
  values.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') edit();
  });

  const linked = lessonFromUrl(location.href);
  choice.value = linked.lesson ?? 'off';
  open(choice.value, false);
  if (linked.error) error.textContent = linked.error;

  return {
    receive(reply) {
      if (reply.ok ? reply.trace.id !== requestId : reply.id !== requestId) return;
      waiting = false;
      if (!reply.ok) {
        error.textContent = reply.error;
        section.dataset.state = 'error';
        setButtons();
        return;
      }
      if (!spec || reply.trace.lesson !== spec.id) return;
      picture = { spec, trace: reply.trace, shown: revealed(steps, cursor) };
      section.dataset.state = 'ready';
      render();
    },
  };
}
