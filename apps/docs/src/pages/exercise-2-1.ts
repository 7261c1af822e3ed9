/**
 * Exercise 2.1 in the browser: the student writes `crossAttention` in the editor, from @lxmls/course's
 * skeleton, and checks it with the course's grader (see exercise-page.ts).
 */

import { mountExercise } from './exercise-page.js';

mountExercise('2.1');
