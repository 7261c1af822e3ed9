/**
 * @lxmls/course: the Transformer Day exercises as files (skeletons with the student branch's holes, and their
 * solutions, in TypeScript and JavaScript), a loader for a student's file, and a grader that says what is
 * wrong in terms of the exercise, and the exercises as a terminal shows them (`lxmls demo`'s sections, as text). Browser-safe: nothing here imports a Node module. Every export is listed here.
 *
 * @packageDocumentation
 */

export { checkExercise } from './check/check.js';
export type { CheckOptions, CheckReport, CheckResult } from './check/report.js';
export { attentionDemo, causalSelfAttentionLines, crossAttentionTestLines } from './demo/attention.js';
export { type BertDemoOptions, bertDemo } from './demo/bert.js';
export { bpeMainDemo, bpeMainLines, partRepr } from './demo/bpe-main.js';
export { type PrintedCell, parseDemoCells } from './demo/output.js';
export { PROMPTING_MODEL, type PromptingDemoOptions, promptingDemo, sampleLines } from './demo/prompting.js';
export {
  cellHeader,
  DEMO_NAMES_HEADER,
  type DemoCell,
  type DemoSection,
  type DemoTextOptions,
  demoSectionText,
  promptLines,
  typescriptPrompt,
} from './demo/section.js';
export {
  type BlockLinesOptions,
  blockLines,
  nameLines,
  plainText,
  sectionHeading,
  wrapText,
} from './demo/text.js';
export { tokenizationDemo } from './demo/tokenization.js';
export { type WeatherDemoOptions, weatherDemo } from './demo/weather.js';
export {
  type CourseErrorCode,
  type CourseErrorDetails,
  holeOf,
  LxmlsCourseError,
  NotImplementedError,
} from './errors.js';
export {
  EXERCISES,
  type Exercise,
  type ExerciseHole,
  type ExerciseProgress,
  type ExerciseTexts,
  exerciseProgress,
  getExercise,
} from './exercises.js';
export {
  GPT_NANO,
  GptNanoTrainStep,
  type TrainStepOptions,
  type TrainStepResult,
  type TrainStepSetup,
  timeTrainStep,
} from './gpt-nano-step.js';
export {
  benchKernel,
  KERNEL_SHAPES,
  type KernelResult,
  type KernelShape,
  type TimeOptions,
  timeCall,
} from './kernel-bench.js';
export {
  type CompiledStudentModule,
  type LoadStudentOptions,
  loadStudentSource,
  STUDENT_MODULES,
  studentExport,
  studentLocation,
  transpileStudentSource,
} from './load.js';
export { median } from './median.js';
export { type NameEntry, type NameKind, namesFor, PYTHON_TO_TYPESCRIPT } from './names.js';
export {
  type AnswerBy,
  type InlineSpan,
  NOTEBOOK,
  type NotebookBlock,
  type NotebookCell,
  type NotebookQuestion,
  type NotebookSection,
  notebookCell,
  notebookQuestions,
  notebookSection,
  parseInline,
} from './notebook.js';
export { sampleText, TextWindows, type TrainedText, type TrainTextOptions, trainText } from './text.js';
export { type TrainedTextCompact, type TrainTextCompactOptions, trainTextCompact } from './text-compact.js';
export {
  buildTextTokenizer,
  type ModelTokenizer,
  modelTokenizer,
  type TextTokenizerKind,
} from './text-tokenizer.js';
export { copyModel, type TrainedRun, type TrainingCallbacks } from './training.js';
export {
  type BayesFigures,
  bayesFigures,
  createWeatherTraining,
  evaluateWeather,
  formatWeatherSummary,
  greedyStates,
  logLine,
  type RunWeatherCourseOptions,
  runWeatherCourse,
  type TrainedWeather,
  type TrainWeatherOptions,
  trainWeather,
  WEATHER_ATTENTION,
  WEATHER_EVAL_SEED,
  WEATHER_RECIPES,
  WEATHER_SEQ_LEN,
  type WeatherCourseRun,
  type WeatherRecipe,
  type WeatherScores,
  type WeatherTraining,
  weatherModelConfig,
  weatherTrainerConfig,
} from './weather.js';
export {
  benchTrainWeather,
  TRAIN_WEATHER_TARGETS,
  type TrainWeatherBenchResult,
  type TrainWeatherBenchSetup,
  type WeatherBenchRun,
} from './weather-bench.js';
export {
  attentionKeyMismatch,
  loadWeatherModel,
  saveWeatherModel,
  WEATHER_TASK_FILE,
  type WeatherTaskInfo,
  weatherScoresRecord,
} from './weather-folder.js';
