/**
 * The gpt-nano training step that `lxmls bench train-step` times, now @lxmls/course's (`GptNanoTrainStep`,
 * `timeTrainStep`; issue 13). Re-exported here for benchmarks/src/threads, which imports
 * `apps/cli/dist/bench/train-step.js`, until it imports @lxmls/course.
 */

export {
  GPT_NANO,
  GptNanoTrainStep,
  type TrainStepOptions,
  type TrainStepResult,
  type TrainStepSetup,
  timeTrainStep,
} from '@lxmls/course';
