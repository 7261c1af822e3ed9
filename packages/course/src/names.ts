/**
 * The Python → TypeScript name table of the Transformer Day: every torch, transformers, bertviz and lxmls name
 * the notebook's exercises touch, next to the @lxmls name that does the same. `lxmls demo` prints it and the
 * docs site renders it; a test checks that every TypeScript name is a real export (or a member of one).
 *
 * Follows the cells of `transformer-day-notebook.txt` (see `notebook.ts`) and the naming rule of the project:
 * snake_case becomes camelCase, class names stay (`encode_and_show_work` → `encodeAndShowWork`).
 */

/**
 * What the TypeScript name is, so a test can find it: an export of the package (a value or a type), a method or
 * static of an exported class, a field of an exported class's instances or of an exported type's values, or a
 * JavaScript built-in (no package).
 */
export type NameKind = 'value' | 'type' | 'method' | 'static' | 'field' | 'builtin';

/** One row of the table. */
export interface NameEntry {
  /** The Python, as the notebook writes it. */
  python: string;
  /** The TypeScript that does the same. */
  typescript: string;
  /** The package the TypeScript name comes from (`'@lxmls/tensor'`), or `'JavaScript'` for a built-in. */
  module: string;
  /** The export (`'matmul'`, `'Tensor'`, `'EncodeWork'`), or the built-in (`'Math.sqrt'`). */
  name: string;
  /** For `method`, `static` and `field`: the member of `name`. */
  member?: string;
  /** What kind of name it is. */
  kind: NameKind;
  /** The exercises that use it, by the notebook's numbers. */
  exercises: readonly string[];
  /** What differs, when something does. */
  note?: string;
}

const e = (
  python: string,
  typescript: string,
  module: string,
  target: string,
  kind: NameKind,
  exercises: readonly string[],
  note?: string,
): NameEntry => {
  const [name, member] = target.split('#') as [string, string | undefined];
  return {
    python,
    typescript,
    module,
    name,
    ...(member === undefined ? {} : { member }),
    kind,
    exercises,
    ...(note === undefined ? {} : { note }),
  };
};

const T = '@lxmls/tensor';
const JS = 'JavaScript';

/**
 * The Python → TypeScript names of the notebook's exercises, in the notebook's order.
 *
 * @example
 * ```ts
 * import { PYTHON_TO_TYPESCRIPT } from '@lxmls/course';
 * const row = PYTHON_TO_TYPESCRIPT.find((entry) => entry.python === 'torch.matmul(a, b)');
 * console.log(row?.typescript, row?.module); // → matmul(a, b) @lxmls/tensor
 * ```
 */
export const PYTHON_TO_TYPESCRIPT: readonly NameEntry[] = [
  // Exercise 1: tokenization
  e('text.split()', 'wordTokenize(text)', '@lxmls/bpe', 'wordTokenize', 'value', ['1']),
  e(
    '[c for c in text if c not in drop]',
    'charTokenize(text, { drop })',
    '@lxmls/bpe',
    'charTokenize',
    'value',
    ['1'],
  ),
  e('BPETokenizer()', 'new BPETokenizer()', '@lxmls/bpe', 'BPETokenizer', 'value', ['1', '2.1']),
  e('tokenizer.encoder', 'tokenizer.encoder', '@lxmls/bpe', 'BPETokenizer#encoder', 'method', ['1', '2.1']),
  e(
    'encoder.encode_and_show_work(text)',
    'encoder.encodeAndShowWork(text)',
    '@lxmls/bpe',
    'Encoder#encodeAndShowWork',
    'method',
    ['1'],
  ),
  e("tokens['parts']", 'tokens.parts', '@lxmls/bpe', 'EncodeWork#parts', 'field', ['1']),
  e("tokens['bpe_idx']", 'tokens.bpeIdx', '@lxmls/bpe', 'EncodeWork#bpeIdx', 'field', ['1']),
  e("x['token_merged']", 'x.tokenMerged', '@lxmls/bpe', 'EncodePart#tokenMerged', 'field', ['1']),
  e(
    'list(np.concatenate(lists).flat)',
    'lists.flat()  (or parts.flatMap((x) => x.tokenMerged))',
    JS,
    'Array.prototype.flat',
    'builtin',
    ['1'],
  ),
  e('encoder.encode(text)', 'encoder.encode(text)', '@lxmls/bpe', 'Encoder#encode', 'method', ['1', '2.1']),
  e('encoder.decode(ids)', 'encoder.decode(ids)', '@lxmls/bpe', 'Encoder#decode', 'method', ['1']),
  e('print(x)', 'console.log(x)', JS, 'console.log', 'builtin', ['1', '2.1', '3.1']),
  // Exercise 2.1: cross-attention
  e(
    'torch.tensor(data, dtype=torch.float)',
    'tensor(data)',
    T,
    'tensor',
    'value',
    ['2.1'],
    'float32 by default; tensor(data, shape, "int32") for integers',
  ),
  e('torch.matmul(a, b)', 'matmul(a, b)', T, 'matmul', 'value', ['2.1', '2.2']),
  e('a @ b', 'a.matmul(b)', T, 'Tensor#matmul', 'method', ['2.2']),
  e('S.T', 'transpose(S)', T, 'transpose', 'value', ['2.1'], 'swaps the last two axes'),
  e(
    'x.transpose(-2, -1)',
    'x.transpose(-2, -1)  (or transpose(x, -2, -1))',
    T,
    'Tensor#transpose',
    'method',
    ['2.1', '2.2'],
  ),
  e('Q.size(-1)', 'Q.shape.at(-1)', T, 'Tensor#shape', 'field', ['2.1']),
  e('x.size()', 'x.shape', T, 'Tensor#shape', 'field', ['2.2']),
  e('torch.sqrt(x)', 'sqrt(x)', T, 'sqrt', 'value', ['2.1'], 'for a plain number: Math.sqrt(d)'),
  e('math.sqrt(d)', 'Math.sqrt(d)', JS, 'Math.sqrt', 'builtin', ['2.1', '2.2']),
  e('x / y', 'x.div(y)  (or div(x, y))', T, 'Tensor#div', 'method', ['2.1', '2.2']),
  e('F.softmax(x, dim=-1)', 'softmax(x, -1)', T, 'softmax', 'value', ['2.1', '2.2']),
  e(
    'torch.allclose(a, b)',
    'compare a.data() with b: |a − b| ≤ 1e-8 + 1e-5·|b|',
    T,
    'Tensor#data',
    'method',
    ['2.1'],
    'no allclose op: data() gives the numbers',
  ),
  e('x.tolist()', 'x.toArray()', T, 'Tensor#toArray', 'method', ['2.1', '3.1']),
  e('x.item()', 'x.item()', T, 'Tensor#item', 'method', ['2.1', '3.1']),
  e(
    'cross_attention(S1, S2, W_Q, W_K, W_V)',
    'crossAttention(S1, S2, W_Q, W_K, W_V)',
    '@lxmls/attention',
    'crossAttention',
    'value',
    ['2.1'],
  ),
  // Exercise 2.2: multi-head causal self-attention
  e('nn.Module', 'Module', '@lxmls/nn', 'Module', 'value', ['2.2']),
  e('nn.Linear(n_in, n_out)', 'new Linear(nIn, nOut)', '@lxmls/nn', 'Linear', 'value', ['2.2']),
  e('nn.Dropout(p)', 'new Dropout(p)', '@lxmls/nn', 'Dropout', 'value', ['2.2']),
  e(
    'self.query_proj = nn.Linear(...)',
    "this.queryProj = this.registerModule('query_proj', new Linear(...))",
    '@lxmls/nn',
    'Module#registerModule',
    'method',
    ['2.2'],
    'the state-dict key stays query_proj',
  ),
  e(
    "self.register_buffer('bias', t)",
    "this.registerBuffer('bias', t)",
    '@lxmls/nn',
    'Module#registerBuffer',
    'method',
    ['2.2'],
  ),
  e('torch.tril(torch.ones(n, n))', 'causalMask(n)', '@lxmls/attention', 'causalMask', 'value', ['2.2']),
  e('self.query_proj(x)', 'this.queryProj.forward(x)', '@lxmls/nn', 'Linear#forward', 'method', ['2.2']),
  e('x.view(B, T, nh, hs)', 'x.view([B, T, nh, hs])', T, 'Tensor#view', 'method', ['2.2']),
  e(
    'x.transpose(1, 2).contiguous().view(B, T, C)',
    'x.transpose(1, 2).reshape([B, T, C])',
    T,
    'Tensor#reshape',
    'method',
    ['2.2'],
    'no contiguous(): every op but reshape copies',
  ),
  e('x.permute(0, 2, 1, 3)', 'permute(x, [0, 2, 1, 3])', T, 'permute', 'value', ['2.2']),
  e(
    'bias[:, :, :T, :T]',
    'slice(bias, [0, 0, 0, 0], [1, 1, T, T])',
    T,
    'slice',
    'value',
    ['2.2'],
    'begin and size',
  ),
  e(
    "x.masked_fill(mask == 0, float('-inf'))",
    'maskedFill(x, sub(1, mask), -Infinity)',
    T,
    'maskedFill',
    'value',
    ['2.2'],
    'fills where the mask is non-zero',
  ),
  e('mask == 0', 'sub(1, mask)', T, 'sub', 'value', ['2.2'], 'for a mask of 0 and 1'),
  e("float('-inf')", 'Number.NEGATIVE_INFINITY  (or -Infinity)', JS, 'Number.NEGATIVE_INFINITY', 'builtin', [
    '2.2',
  ]),
  e(
    'self.attn_dropout(weights)',
    'this.attnDropout.forward(weights)',
    '@lxmls/nn',
    'Dropout#forward',
    'method',
    ['2.2'],
  ),
  e('with torch.no_grad():', 'noGrad(() => { ... })', T, 'noGrad', 'value', ['2.2', '3.2']),
  e(
    'CausalSelfAttention(config)',
    'new CausalSelfAttention({ nEmbd, nHead, blockSize, attnPdrop, residPdrop })',
    '@lxmls/attention',
    'CausalSelfAttention',
    'value',
    ['2.2'],
  ),
  // Exercise 2.4: BERT's attention
  e(
    "BertTokenizer.from_pretrained('bert-base-uncased')",
    '(await loadBertFolder(dir)).tokenizer',
    '@lxmls/bert',
    'loadBertFolder',
    'value',
    ['2.4'],
    "no hub: a folder in Hugging Face's layout; or BertTokenizer.fromVocab(vocabTxt)",
  ),
  e(
    "BertModel.from_pretrained('bert-base-uncased')",
    '(await loadBertFolder(dir)).model',
    '@lxmls/bert',
    'loadBertFolder',
    'value',
    ['2.4'],
    'or BertModel.fromSafetensors(bytes, config)',
  ),
  e('BertTokenizer', 'BertTokenizer', '@lxmls/bert', 'BertTokenizer', 'value', ['2.4']),
  e('BertModel', 'BertModel', '@lxmls/bert', 'BertModel', 'value', ['2.4']),
  e(
    'tokenizer.tokenize(text)',
    'tokenizer.tokenize(text)',
    '@lxmls/bert',
    'BertTokenizer#tokenize',
    'method',
    ['2.4'],
  ),
  e(
    'tokenizer.convert_tokens_to_ids(tokens)',
    'tokenizer.convertTokensToIds(tokens)',
    '@lxmls/bert',
    'BertTokenizer#convertTokensToIds',
    'method',
    ['2.4'],
  ),
  e(
    'model(input_ids, attention_mask=mask, output_attentions=True)',
    'model.forward({ inputIds, attentionMask, outputAttentions: true })',
    '@lxmls/bert',
    'BertModel#forward',
    'method',
    ['2.4'],
  ),
  e('outputs.attentions', 'outputs.attentions', '@lxmls/bert', 'BertModelOutput#attentions', 'field', [
    '2.4',
  ]),
  e(
    'head_view(outputs.attentions, tokens=tokens)',
    'headView(element, attentionForViz(model, tokenizer, text))',
    '@lxmls/viz',
    'headView',
    'value',
    ['2.4'],
    'in a terminal: lxmls viz writes the page',
  ),
  e(
    '(bertviz prepares the weights)',
    'attentionForViz(model, tokenizer, text)',
    '@lxmls/bert',
    'attentionForViz',
    'value',
    ['2.4'],
  ),
  // Exercise 3.1: training gpt-nano
  e('random.seed(42); set_seed(42)', 'manualSeed(42)', T, 'manualSeed', 'value', ['3.1', '3.2']),
  e('fixed_proba', 'FIXED_PROBA', '@lxmls/weather-data', 'FIXED_PROBA', 'value', ['3.1']),
  e(
    "WeatherDataset('train', proba=fixed_proba)",
    "new WeatherDataset('train', { proba: FIXED_PROBA, seed })",
    '@lxmls/weather-data',
    'WeatherDataset',
    'value',
    ['3.1'],
  ),
  e('train_dataset[0]', 'trainDataset.get(0)', '@lxmls/weather-data', 'WeatherDataset#get', 'method', [
    '3.1',
  ]),
  e(
    'train_dataset.decode_obs(ids)',
    'trainDataset.decodeObs(ids)',
    '@lxmls/weather-data',
    'WeatherDataset#decodeObs',
    'method',
    ['3.1'],
  ),
  e(
    'train_dataset.decode_st(ids)',
    'trainDataset.decodeSt(ids)',
    '@lxmls/weather-data',
    'WeatherDataset#decodeSt',
    'method',
    ['3.1'],
  ),
  e(
    'train_dataset.get_vocab_size()',
    'trainDataset.getVocabSize()',
    '@lxmls/weather-data',
    'WeatherDataset#getVocabSize',
    'method',
    ['3.1'],
  ),
  e(
    'train_dataset.get_block_size()',
    'trainDataset.getBlockSize()',
    '@lxmls/weather-data',
    'WeatherDataset#getBlockSize',
    'method',
    ['3.1'],
  ),
  e('GPT.get_default_config()', 'GPT.getDefaultConfig()', '@lxmls/gpt', 'GPT#getDefaultConfig', 'static', [
    '3.1',
  ]),
  e(
    "model_config.model_type = 'gpt-nano'",
    "modelConfig.modelType = 'gpt-nano'",
    '@lxmls/gpt',
    'GPTConfig#modelType',
    'field',
    ['3.1'],
  ),
  e('model_config.vocab_size', 'modelConfig.vocabSize', '@lxmls/gpt', 'GPTConfig#vocabSize', 'field', [
    '3.1',
  ]),
  e('model_config.block_size', 'modelConfig.blockSize', '@lxmls/gpt', 'GPTConfig#blockSize', 'field', [
    '3.1',
  ]),
  e('GPT(model_config)', 'new GPT(modelConfig)', '@lxmls/gpt', 'GPT', 'value', ['3.1']),
  e('print(model_config)', 'formatConfig(modelConfig)', '@lxmls/gpt', 'formatConfig', 'value', ['3.1']),
  e(
    'Trainer.get_default_config()',
    'Trainer.getDefaultConfig()',
    '@lxmls/trainer',
    'Trainer#getDefaultConfig',
    'static',
    ['3.1'],
  ),
  e(
    'train_config.learning_rate',
    'trainConfig.learningRate',
    '@lxmls/trainer',
    'TrainerConfig#learningRate',
    'field',
    ['3.1'],
  ),
  e('train_config.max_iters', 'trainConfig.maxIters', '@lxmls/trainer', 'TrainerConfig#maxIters', 'field', [
    '3.1',
  ]),
  e(
    'train_config.num_workers',
    'trainConfig.numWorkers',
    '@lxmls/trainer',
    'TrainerConfig#numWorkers',
    'field',
    ['3.1'],
  ),
  e(
    'train_config.device = "mps"',
    "trainConfig.device = 'wasm'",
    '@lxmls/trainer',
    'TrainerConfig#device',
    'field',
    ['3.1'],
    'the tensor backend',
  ),
  e(
    'Trainer(train_config, model, train_dataset)',
    'new Trainer(trainConfig, model, trainDataset)',
    '@lxmls/trainer',
    'Trainer',
    'value',
    ['3.1'],
  ),
  e(
    'print(train_config)',
    'formatTrainerConfig(trainer.config)',
    '@lxmls/trainer',
    'formatTrainerConfig',
    'value',
    ['3.1'],
  ),
  e(
    "trainer.set_callback('on_batch_end', fn)",
    "trainer.setCallback('on_batch_end', fn)",
    '@lxmls/trainer',
    'Trainer#setCallback',
    'method',
    ['3.1'],
  ),
  e('trainer.run()', 'await trainer.run()', '@lxmls/trainer', 'Trainer#run', 'method', ['3.1']),
  e('trainer.iter_num', 'trainer.iterNum', '@lxmls/trainer', 'Trainer#iterNum', 'field', ['3.1']),
  e('trainer.iter_dt', 'trainer.iterDt', '@lxmls/trainer', 'Trainer#iterDt', 'field', ['3.1'], 'seconds'),
  e(
    'trainer.loss.item()',
    'trainer.loss',
    '@lxmls/trainer',
    'Trainer#loss',
    'field',
    ['3.1'],
    'already a number',
  ),
  e('time.time()', 'performance.now() / 1000', JS, 'performance.now', 'builtin', ['3.1']),
  // Exercise 3.2: prompting a pretrained GPT
  e(
    "GPT.from_pretrained('gpt2')",
    "await GPT.fromPretrained('gpt2')",
    '@lxmls/gpt',
    'GPT#fromPretrained',
    'static',
    ['3.2'],
  ),
  e(
    'model.to(device)',
    "setBackend('wasm')",
    T,
    'setBackend',
    'value',
    ['3.2'],
    'one backend for all tensors',
  ),
  e('model.eval()', 'model.eval()', '@lxmls/gpt', 'GPT#eval', 'method', ['3.2']),
  e(
    'model.prompt("Barack Obama, the", 50, 3)',
    "console.log(formatSamples(model.prompt('Barack Obama, the', 50, 3)))",
    '@lxmls/gpt',
    'GPT#prompt',
    'method',
    ['3.2'],
    'returns the texts; formatSamples gives what Python prints',
  ),
  e(
    'model.prompt_topK("Barack Obama, the", 50, 3)',
    "model.promptTopK('Barack Obama, the', 50, 3)",
    '@lxmls/gpt',
    'GPT#promptTopK',
    'method',
    ['3.2'],
  ),
  e('(prompt prints the samples)', 'formatSamples(texts)', '@lxmls/gpt', 'formatSamples', 'value', ['3.2']),
  e(
    'model.generate(idx, n, do_sample=True, top_k=k)',
    'model.generate(idx, n, { doSample: true, topK: k })',
    '@lxmls/gpt',
    'GPT#generate',
    'method',
    ['3.2'],
  ),
];

/**
 * The rows of the name table an exercise uses.
 *
 * @param exercise - The notebook's number (`'2.2'`); for a whole exercise (`'2'`) the rows of all its parts.
 * @returns The rows, in the table's order.
 * @example
 * ```ts
 * import { namesFor } from '@lxmls/course';
 * console.log(namesFor('2.2').some((row) => row.typescript === 'softmax(x, -1)')); // → true
 * ```
 */
export function namesFor(exercise: string): NameEntry[] {
  return PYTHON_TO_TYPESCRIPT.filter((entry) =>
    entry.exercises.some((id) => id === exercise || id.startsWith(`${exercise}.`)),
  );
}
