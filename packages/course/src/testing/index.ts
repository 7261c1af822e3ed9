/**
 * @lxmls/course/testing: the wrong solutions the grader is tested on, with the diagnosis each must get; the
 * docs site's browser test runs the same ones in the page's worker. Every export is listed here.
 */

export { WRONG_SOLUTIONS, type WrongSolution, type WrongSolutionExpectation } from './wrong-solutions.js';
