// The lesson deep link, `?lesson=002`: the lesson mode reads and writes this one parameter of the
// page URL and leaves every other one (the playground's settings) as it is.
import { isLessonId, type LessonId } from './lessons.js';

/** The URL parameter that opens a lesson. */
export const LESSON_PARAM = 'lesson';

/**
 * The lesson a URL asks for: null when it asks for none, or with an error when it names a lesson
 * that does not exist.
 *
 * @example
 * ```ts
 * lessonFromUrl('http://localhost:5173/?lesson=003'); // { lesson: '003' }
 * ```
 */
export function lessonFromUrl(href: string): { lesson: LessonId | null; error?: string } {
  const value = new URL(href).searchParams.get(LESSON_PARAM);
  if (value === null || value === '' || value === 'off') return { lesson: null };
  if (isLessonId(value)) return { lesson: value };
  return {
    lesson: null,
    error: `no lesson "${value}" in the playground: ?${LESSON_PARAM}= takes 002 or 003`,
  };
}

/**
 * `href` with its lesson parameter set to `lesson` (or removed for null), every other parameter and
 * the fragment kept.
 *
 * @example
 * ```ts
 * urlWithLesson('http://localhost:5173/?dataset=xor', '002'); // 'http://localhost:5173/?dataset=xor&lesson=002'
 * ```
 */
export function urlWithLesson(href: string, lesson: LessonId | null): string {
  const url = new URL(href);
  if (lesson) url.searchParams.set(LESSON_PARAM, lesson);
  else url.searchParams.delete(LESSON_PARAM);
  return url.toString();
}
