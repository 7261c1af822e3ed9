/**
 * The words of the Transformer Day notebook, in one place: its explanations, its cells (the Python, the
 * TypeScript that does the same with the `@lxmls` packages, and the output the notebook shows), its questions with
 * their answers, in the notebook's order and with its exercise numbers. `lxmls demo` prints them in a terminal
 * and the docs site renders them; neither keeps a copy.
 *
 * Follows `transformer-day-notebook.txt` (the LxMLS Transformer Day notebook, run on a Mac with `mps`): the text
 * is the notebook's, typos included; where the notebook shows a picture, a note says what it shows. The answers
 * are the notebook's where it gives one (Exercise 1, Exercise 2.3); where it does not (Exercise 2.4's pattern
 * question, the questions asked in passing in Exercise 1), the answer is ours and says so (`answerBy`).
 *
 * The text uses a small inline markup, read by {@link parseInline}: `**bold**`, `*italic*` or `_italic_`,
 * `` `code` ``, `[text](url)` and `~struck~` (the notebook's masked tokens).
 *
 * Why one long file: it is data, the notebook's whole text in its order (over a thousand lines); split by
 * exercise it would be read back into one list anyway, and the few functions at the end only look it up. It is
 * written by hand, not generated: the words and the Python are copied from the notebook, but the TypeScript of
 * every cell and the answers the notebook leaves open are ours (apps/cli's notebook-typescript.test.ts runs
 * that TypeScript and compares what it prints with the notebook's outputs kept here).
 */

/** A cell of the notebook: its Python, the same in TypeScript, and the output the notebook shows. */
export interface NotebookCell {
  /** The execution count: `In [n]`. */
  n: number;
  /** The Python lines, as in the notebook (trailing spaces removed). */
  python: readonly string[];
  /** The same in TypeScript with the `@lxmls` packages (imports as a student's module would write them). */
  typescript: readonly string[];
  /** The lines the notebook shows under the cell (empty when it shows none). */
  output: readonly string[];
}

/** Who wrote an answer: the notebook itself, or lxmls-ts where the notebook leaves the question open. */
export type AnswerBy = 'notebook' | 'lxmls-ts';

/** A question of the notebook, with its answer (to be shown only when the student asks). */
export interface NotebookQuestion {
  /** A stable id: `1.characters`, `2.3.causal-mask`, … */
  id: string;
  /** The question, in the notebook's words. */
  question: string;
  /** The answer's paragraphs (inline markup). */
  answer: readonly string[];
  /** Who wrote the answer. */
  answerBy: AnswerBy;
}

/** One block of a notebook section, in the notebook's order. */
export type NotebookBlock =
  | { kind: 'heading'; level: 2 | 3 | 4 | 5; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'list'; ordered: boolean; items: readonly string[] }
  | { kind: 'math'; text: string }
  | { kind: 'figure'; text: string }
  | { kind: 'cell'; cell: NotebookCell }
  | { kind: 'question'; question: NotebookQuestion };

/** A part of the notebook with its own exercise number. */
export interface NotebookSection {
  /** The notebook's number: `'1'`, `'2'`, `'2.1'`, …, `'3.2'`. */
  id: string;
  /** The notebook's heading, without the number. */
  title: string;
  /** The blocks, in order. */
  blocks: readonly NotebookBlock[];
}

/** A template literal's lines, without the first and last line breaks and without trailing spaces. */
function lines(text: string): string[] {
  return text
    .replace(/^\n/, '')
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => line.trimEnd());
}

const h = (level: 3 | 4 | 5, text: string): NotebookBlock => ({ kind: 'heading', level, text });
const p = (text: string): NotebookBlock => ({ kind: 'text', text });
const ul = (...items: string[]): NotebookBlock => ({ kind: 'list', ordered: false, items });
const ol = (...items: string[]): NotebookBlock => ({ kind: 'list', ordered: true, items });
const figure = (text: string): NotebookBlock => ({ kind: 'figure', text });
const question = (q: NotebookQuestion): NotebookBlock => ({ kind: 'question', question: q });
const cell = (n: number, python: string, typescript: string, output = ''): NotebookBlock => ({
  kind: 'cell',
  cell: {
    n,
    python: lines(python),
    typescript: lines(typescript),
    output: output === '' ? [] : output.replace(/^\n/, '').replace(/\n$/, '').split('\n'), // spaces kept
  },
});

/** The code of In [8] to In [11], for one sentence. */
function mergedTokensCell(n: number, sentence: string, output: string): NotebookBlock {
  return cell(
    n,
    `
sentence = "${sentence}"
tokens = tokenizer.encoder.encode_and_show_work(sentence)
merged_tokens = [x['token_merged'] for x in tokens['parts']]
merged_tokens = list(np.concatenate(merged_tokens).flat)

print(merged_tokens)
`,
    `
sentence = '${sentence}';
tokens = tokenizer.encoder.encodeAndShowWork(sentence);
mergedTokens = tokens.parts.flatMap((x) => x.tokenMerged);

console.log(mergedTokens);
`,
    output,
  );
}

const CHARACTERS_OUTPUT = [
  ...'I will travel to Lisbon in July I will attend an NLP summer school but I hope to visit around its a beatiful city',
].join('\n');

const EXERCISE_1: NotebookSection = {
  id: '1',
  title: 'Tokenization',
  blocks: [
    p(
      '*Tokenization* is a fundamental process in modern NLP pipelines. It works by splitting a sentence, which consists in a sequence of characters, into atomic elements called **tokens**, possibly discarding other elements like punctuations. These tokens are the basic language units used by the model.',
    ),
    p(
      'As we will see, the granularity of such units may cary. In general, *tokenization allows us to represent text data in a format that can be process by standar deep learning models*. In this exercise, we will explore tokenization to understand how it helps in NLP tasks.',
    ),
    h(3, 'Word-based tokenizers'),
    p(
      'The easiest way to split a text into units is probably to divide it based on whitespace. The idea is to chunk a sentence into segments everytime a space charecter is found. In python, we can do this with the `split()` function.',
    ),
    p(
      "_string.split(separator, maxsplit)_ where separator is the whitespace by default and there's not maxsplit. You can read the python docs for `split()` [here](https://docs.python.org/3/library/stdtypes.html#str.split).",
    ),
    cell(
      2,
      `
text = "I travelled to Lisbon in July to attend an NLP summer school"
text.split()
`,
      `
import { wordTokenize } from '@lxmls/bpe';

let text = 'I travelled to Lisbon in July to attend an NLP summer school';
wordTokenize(text); // = text.split(/\\s+/) without empty strings, as Python's split()
`,
      `
['I',
 'travelled',
 'to',
 'Lisbon',
 'in',
 'July',
 'to',
 'attend',
 'an',
 'NLP',
 'summer',
 'school']
`,
    ),
    p(
      'Now, this list of words can be fed to a model to perform task like next token prediction, machine translation, story generation etc.',
    ),
    p(
      'Tokenizing based on words allows the model to understand the basic units of language withouth worrying to learn things like workd boundaries. However, a downside of this approach is that we end up having an extremely large vocabulary, with an entry for each word of the language. Due to computational and processing resources, deep learning models still struggle to handle vocabularies that are larger than tens of thousands of tokens. For this reasons, some words need to be left out of the vocabulary and are all mapped to a shared token usually called UNK, which stands for unknown (word).',
    ),
    h(4, 'Text normalization'),
    p(
      'In actual tokenization pipelines, text is usually normalized before being tokenized. This process means extracting a basic version of each word that is stripped from suffixes or functional information. For example, the verb "run" might appear as "running," "runs" or "ran", and the word "program" might appear as "programmer".',
    ),
    h(3, 'Character-based tokenizers'),
    p(
      "Another option is to tokenize text based on **characters**. This allows us to have a much smaller model vocabulary, it provides us with a method to handle new words given the combinatorial ability of combining known characters, but it doesn't instill to the model the concept of words, which should be learned during training.",
    ),
    cell(
      3,
      `
text = "I will travel to Lisbon in July, I will attend an NLP summer school but I hope to visit around: it's a beatiful city!"
tokenized = [c for c in text if c not in [",", ";", ":", "'", "!", "?"]]

for i in tokenized:
    print(i)
`,
      `
import { charTokenize } from '@lxmls/bpe';

text = "I will travel to Lisbon in July, I will attend an NLP summer school but I hope to visit around: it's a beatiful city!";
const tokenized = charTokenize(text, { drop: [',', ';', ':', "'", '!', '?'] });

for (const i of tokenized) console.log(i);
`,
      CHARACTERS_OUTPUT,
    ),
    question({
      id: '1.characters',
      question: 'What other problem are character-based tokenizers posing to NLP models?',
      answer: [
        '**Word tokenizers**: the vocabulary space becomes very large. The model will also struggle with new or rare words.',
        "**Subword tokenizers** (the notebook's heading; it describes character tokenizers): while the vocabulary is short (typically 26 + 10 for English alphanumeric), the length of tokens becomes very long.",
      ],
      answerBy: 'notebook',
    }),
    h(3, 'The best of both worlds: subword-based tokenizers'),
    p(
      'In order to combine the best of both words, the most frequent tokenization strategy for modern NLP system is to tokenize based on **subwords**. Subwords are sequence of characters the can be shorter than entire words.',
    ),
    p(
      'How to split words into subwords depends on *how frequent a given sequence of characters is*. The core idea is that very frequent sequences are not split given that they are very likely to be used and appear a lot in corpora.',
    ),
    p(
      'For instance, "unexpectedly" can be a **rare word** in a corpus and being split in the subwords "un", "expected", "ly". These are standalone subwords that can be reused across other words, while the meaning of "unexpectedly" can be retained combining the three subwords. On the other hand, words like cats, people, and running, given their high frequency, will not be split by the tokenizer.',
    ),
    h(4, 'BPE (byte-pair encoding) tokenizer'),
    p(
      'One of the most widely used subword tokenizer is based on a method called **BPE (byte-pair encoding)**, which was introduced in a paper by [Senrich et al, 2016](https://aclanthology.org/P16-1162/). BPE relies on an *iterative algorithm based on the frequency of character sequences*. At each step, the algorithm compute character frequencies and merges pairs that tend to occur together.',
    ),
    h(5, 'Notes'),
    p(
      'Note that after we split words into subwords, we are now left with all the elements that will form the *vocabulary of our model*. Each subword is then mapped into an **index in the model vocabulary**. This is a standard mapping between string respresentations of (sub)words and vocabulary entries.',
    ),
    p(
      'Remember that subword tokenizers need to be "trained", they need to learn what word splits are based on data that they see. This is not the same training that we do with our neural network models given that tokenizers are *non-parametric deterministic methods*.',
    ),
    p(
      'Lastly, note also that different data leads to different word splitting choices and that a tokenizer is directly connected to a model. For this reason, you have keep in mind that a model trained on a given tokenizer it is not guaranteed to perform equally when coupled with a different tokenizer.',
    ),
    h(5, 'Extra:'),
    p(
      'Each vocabulary index, which corresponds to a subword, is then used by the model to load and process a related (sub)word embedding representation. These are dense vectors that the model will use when doing computation for any NLP task. If you want to learn more about word embeddings, check out this [website](https://lena-voita.github.io/nlp_course/word_embeddings.html).',
    ),
    h(3, 'Using BPE'),
    p(
      'We are now looking at a real example using BPE. We can import the BPE tokenizer from the lxmls toolkit. BPE, which is used in models like GPT-2, and other commonly used subword tokenizers like WordPiece (used in BERT) are available in practically any standard NLP library like huggingface.',
    ),
    cell(4, 'from lxmls.transformers.bpe import BPETokenizer', "import { BPETokenizer } from '@lxmls/bpe';"),
    cell(5, 'tokenizer = BPETokenizer()', 'const tokenizer = new BPETokenizer();'),
    p('We will now split the sentence: *"Your drawing is charmingly anachronistic."*'),
    question({
      id: '1.guess',
      question: "Do you have a guess on which word will be split subwords and which one won't?",
      answer: [
        "The notebook's guess: I would guess 'ing$' 'ly$' '^an'.",
        'In [7] shows what GPT-2\'s BPE does: "Your", "drawing" and "is" stay whole; "charmingly" becomes `Ġcharming` + `ly`, and "anachronistic" becomes `Ġan` + `ach` + `ron` + `istic`. Frequent words are one token; a rare word is cut into frequent pieces.',
      ],
      answerBy: 'notebook',
    }),
    cell(
      6,
      `
# Tokenize a sample sentence
sentence = "Your drawing is charmingly anachronistic."
tokens = tokenizer.encoder.encode_and_show_work(sentence)
`,
      `
// Tokenize a sample sentence
let sentence = 'Your drawing is charmingly anachronistic.';
let tokens = tokenizer.encoder.encodeAndShowWork(sentence);
`,
    ),
    cell(
      7,
      `
import numpy as np

merged_tokens = [x['token_merged'] for x in tokens['parts']]
merged_tokens = list(np.concatenate(merged_tokens).flat)

print(merged_tokens)
`,
      `
// no numpy: flatMap concatenates the merged tokens of every part
let mergedTokens = tokens.parts.flatMap((x) => x.tokenMerged);

console.log(mergedTokens);
`,
      "['Your', 'Ġdrawing', 'Ġis', 'Ġcharming', 'ly', 'Ġan', 'ach', 'ron', 'istic', '.']",
    ),
    p(
      'We can now look at this python vocabulary object returned by the tokenizer. If you look at `bpe_idx`, you see all the subwords that the tokenizer decided to split. These number are the indexes in the vocabulary all our model. The `parts` field contains the actual splittting in the `token_merged` field.',
    ),
    question({
      id: '1.match',
      question: 'As you can see, some words have been split. Do they match your initial guess? Why?',
      answer: [
        'BPE keeps a word whole when it is frequent in the data the tokenizer was trained on ("drawing", "is"): the merges learned from that data rebuild it completely. "charmingly" and "anachronistic" are rare, so the merges stop at frequent pieces: a frequent stem ("charming") with a frequent suffix ("ly"), or chunks such as "an" and "istic" that appear in many words. A guess based on morphology is often close, but BPE knows only frequencies, not morphemes: "ach" and "ron" are not morphemes.',
      ],
      answerBy: 'lxmls-ts',
    }),
    h(4, 'Whitespaces'),
    p(
      'You probably have noticed a special `Ġ` character inserted before each word expect the first one. This is because spaces are converted into this special token by the BPE algorithm, such that the word "run" and " run" are not treated equally and the tokenizer understands whether a word is at the beginning of a sentence or not.',
    ),
    p(
      'This is something that was found to provide better performance to the original GPT2 model. For more information you can read [here](https://discuss.huggingface.co/t/bpe-tokenizers-and-spaces-before-words/475?u=joaogante).',
    ),
    p(
      'Now look at the next two tokenized sentence. Can you notice how the word "very" is assigned two different tokens?',
    ),
    mergedTokensCell(8, 'running is very cool', "['running', 'Ġis', 'Ġvery', 'Ġcool']"),
    mergedTokensCell(9, 'very cool!', "['very', 'Ġcool', '!']"),
    question({
      id: '1.very',
      question: 'Can you notice how the word "very" is assigned two different tokens?',
      answer: [
        'In the middle of a sentence "very" comes with the space before it: the token is `Ġvery` (id 845). At the start of the text there is no space: the token is `very` (id 548). For the model they are two different entries of the vocabulary, with two different embeddings.',
      ],
      answerBy: 'lxmls-ts',
    }),
    h(4, 'Handling typos'),
    p('Now we are going to tokenize another two very similar sentences.'),
    mergedTokensCell(
      10,
      'I like to circumnavigate the globe every year',
      "['I', 'Ġlike', 'Ġto', 'Ġcirc', 'umn', 'av', 'igate', 'Ġthe', 'Ġglobe', 'Ġevery', 'Ġyear']",
    ),
    mergedTokensCell(
      11,
      'I like to cirkumnavigate the globe every year',
      "['I', 'Ġlike', 'Ġto', 'Ġcir', 'k', 'umn', 'av', 'igate', 'Ġthe', 'Ġglobe', 'Ġevery', 'Ġyear']",
    ),
    question({
      id: '1.typo',
      question: 'Why have they been tokenized differently?',
      answer: [
        'The only difference between these two sentences is in the the **typo** of the word "circumnavigate". As you can see, a _simple change_ in the word spelling breaks the tokenization process and leads to a different result. However, unlike word-based tokenizers where the wrong word would have been processed as an _unknown_ word, here we can still retain some ther other correct characters and our favorite NLP model can hopefully partially make it up for the typo while processing the sentence.',
      ],
      answerBy: 'notebook',
    }),
    h(4, 'Determinism'),
    p(
      "Finally, recall that another important aspect of the tokenization process is that it's fully deterministic. **Once we split a sentence into chunks and obtain the list of word indexes, we can fully revert the process and decode back the original text.**",
    ),
    cell(
      12,
      `
original_sentence = "We are about to start exercise 2 about attention, let's have fun!"
tokenized_sentence = tokenizer.encoder.encode(original_sentence)
reconstructed_sentence = tokenizer.encoder.decode(tokenized_sentence)

print(reconstructed_sentence)
`,
      `
const originalSentence = "We are about to start exercise 2 about attention, let's have fun!";
const tokenizedSentence = tokenizer.encoder.encode(originalSentence);
const reconstructedSentence = tokenizer.encoder.decode(tokenizedSentence);

console.log(reconstructedSentence);
`,
      "We are about to start exercise 2 about attention, let's have fun!",
    ),
  ],
};

const ATTENTION_FIGURE =
  'The notebook shows here the figure of the original Transformer paper (Vaswani et al., 2017, Figure 2): on the left, scaled dot-product attention (MatMul of Q and K, Scale, an optional Mask, SoftMax, MatMul with V); on the right, multi-head attention (h such attentions side by side on linear projections of Q, K and V, concatenated and projected again).';

const EXERCISE_2: NotebookSection = {
  id: '2',
  title: 'Attention',
  blocks: [
    p(
      'Attention is a crucial component in the transformer, it allows to capture dependencies between different positions of two sequence of elements. In our case, and in most cases in NLP applications, sequences are sentences and elements are (sub)words. It is a powerful operation that allows to learn an alignment between each element in two sequences. It generates a score of how related each element in sequence1 and sequence2 are between each other. Understanding how attention works and being able to implement it are essential for anyone working with transformers.',
    ),
    p(
      'Given a query (Q), key (K), and value (V) tensors, the attention mechanism computes a weighted sum of the value tensor based on the similarity between the query and key tensors as shown in the following equation:',
    ),
    { kind: 'math', text: 'Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V' },
    p('where'),
    ul(
      'Q represents the query tensor.',
      'K represents the key tensor.',
      'V represents the value tensor.',
      'd_k represents the dimensionality of the key tensor.',
    ),
    p(
      "This is the image that was in the original Transformer paper and that shows the computations used in the attention. Forget about the right part, we'll get back to that later in the lab.",
    ),
    figure(ATTENTION_FIGURE),
    p(
      'In this exercise, we will dive into the attention mechanism. To do so, we are going to build a simple cross-attention function that we will then extend to a more complex multi-head self-attention module that incorporates the concept of causality.',
    ),
  ],
};

const EXERCISE_2_1: NotebookSection = {
  id: '2.1',
  title: 'Building a Simple Cross-Attention Function',
  blocks: [
    p(
      'Cross-attention refers to the case where the input sequences to compute Q, K, and V come from different sources. It allows models to incorporate contextual information from one sequence (S1) into another (S2). (Conceptually, the self attention variant that you might have heard is the same, with the only difference that the S1 and S2 sequences are the same.)',
    ),
    p(
      'Given two input sequences S₁ and S₂ and the transformation weights W_Q, W_K and W_V, complete the `cross_attention` function in the cell below.',
    ),
    p('You need to implement the following:'),
    ul(
      'Calculate the query, key, and value projections using linear transformations.',
      'Compute the attention scores by performing the dot product between the query and key tensors.',
      'Apply softmax activation to the attention scores to obtain the attention weights.',
      'Multiply the attention weights with the value tensor to get the attended values.',
      'Return the attended values.',
    ),
    cell(
      13,
      `
import torch
import torch.nn.functional as F

def cross_attention(S1, S2, W_Q, W_K, W_V):

    # Calculate Queries from sequence S2
    Q = torch.matmul(S2.T, W_Q)

    # Calculate Key and Value from sequence S1
    K = torch.matmul(S1.T, W_K)
    V = torch.matmul(S1.T, W_V)

    # Compute attention scores
    SAS = torch.matmul(Q, K.transpose(-2, -1))

    # Scale the attention scores
    d_k = Q.size(-1)
    SAS = SAS / torch.sqrt(torch.tensor(d_k, dtype=torch.float32))


    # Apply softmax to obtain attention weights
    SAS = F.softmax(SAS, dim=1)

    # Compute the attended values
    attended_values = torch.matmul(SAS, V)

    return attended_values
`,
      `
import { matmul, softmax, type Tensor, transpose } from '@lxmls/tensor';

function crossAttention(S1: Tensor, S2: Tensor, W_Q: Tensor, W_K: Tensor, W_V: Tensor): Tensor {

    // Calculate Queries from sequence S2
    const Q = matmul(transpose(S2), W_Q);

    // Calculate Key and Value from sequence S1
    const K = matmul(transpose(S1), W_K);
    const V = matmul(transpose(S1), W_V);

    // Compute attention scores
    let SAS = matmul(Q, K.transpose(-2, -1));

    // Scale the attention scores
    const dK = Q.shape.at(-1)!;
    SAS = SAS.div(Math.sqrt(dK));


    // Apply softmax to obtain attention weights
    SAS = softmax(SAS, 1);

    // Compute the attended values
    const attendedValues = matmul(SAS, V);

    return attendedValues;
}
`,
    ),
    cell(
      14,
      `
sentence = "I travelled to Lisbon in July to attend an NLP summer school"
query = "I like traveling"
S1 = torch.tensor([tokenizer.encoder.encode(sentence)], dtype=torch.float)
S2 = torch.tensor([tokenizer.encoder.encode(query)], dtype=torch.float)

W_Q = torch.tensor([[0.1, 0.2, 0.3]])  # Query weights
W_K = torch.tensor([[0.7, 0.8, 0.9]])  # Key weights
W_V = torch.tensor([[1.6, 1.7, 1.8]])  # Value weights

# Perform cross-attention
attended_values = cross_attention(S1, S2, W_Q, W_K, W_V)

print(attended_values)

# Expected output
expected_output = torch.tensor([[67036.8047, 71226.6016, 75416.3984]])

# Compare the output with the expected values
assert torch.allclose(attended_values, expected_output), "Ops! You need to check your function!"
print("Test passed!")
`,
      `
import { tensor } from '@lxmls/tensor';

const sentence = 'I travelled to Lisbon in July to attend an NLP summer school';
const query = 'I like traveling';
const S1 = tensor([tokenizer.encoder.encode(sentence)]); // float32, as dtype=torch.float
const S2 = tensor([tokenizer.encoder.encode(query)]);

const W_Q = tensor([[0.1, 0.2, 0.3]]); // Query weights
const W_K = tensor([[0.7, 0.8, 0.9]]); // Key weights
const W_V = tensor([[1.6, 1.7, 1.8]]); // Value weights

// Perform cross-attention
const attendedValues = crossAttention(S1, S2, W_Q, W_K, W_V);

console.log(attendedValues.toArray());

// Expected output
const expectedOutput = [67036.8047, 71226.6016, 75416.3984];

// Compare the output with the expected values (torch.allclose: |a - b| <= 1e-8 + 1e-5 |b|, b broadcast)
const close = Array.from(attendedValues.data()).every((a, i) => {
  const b = expectedOutput[i % 3]!;
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
});
if (!close) throw new Error('Ops! You need to check your function!');
console.log('Test passed!');
`,
      `
tensor([[67036.8047, 71226.6016, 75416.3984],
        [67036.8047, 71226.6016, 75416.3984],
        [67036.8047, 71226.6016, 75416.3984]])
Test passed!
`,
    ),
  ],
};

const EXERCISE_2_2: NotebookSection = {
  id: '2.2',
  title: 'Extending to Multi-Head Self-Attention',
  blocks: [
    p(
      "Great! You have successfully implemented cross-attention. Now, let's make some modifications so we can train a real GPT model.",
    ),
    p('**1. Self-Attention**'),
    p(
      'We will be replacing the cross-attention mechanism with self-attention. In self-attention, a single sequence acts as the query, key, and value, allowing attention to be computed within the sequence itself. This can be useful for syntactic where an attention head can model the relationship between part of speech like subjects and verbs.',
    ),
    p('**2. Multi-Head**'),
    p(
      'However, the relations present even in a single sentence are more than one. Think about number and gender agreement as one, the semantic relation between subject and object, the functional aspect that verb arguments have etc. All this cannot be modeled by a single head.',
    ),
    p(
      "For this reason, we are going to extend the single-head attention function to **multi-head attention**. In the previous implementation, we had one set of weights for the input query, resulting in a single type of _relationship between the the source and target sequence_. With multi-head attention, we can utilize _multiple parallel single-head attention modules_ to obtain diverse relationships between the query and the values. The attention operation works by projecting the sequences through a multiplication with a projection matrix, and then computing the alignment score. These are are all operation that can be parallelized since there's no interdependency between each each head. For this reasons, each head could learn to model a different linguistic intereation useful for many downstream tasks, be it syntactic, semantic or generation-based..",
    ),
    p('**3. Pytorch Module**'),
    p(
      'The last modification involves embedding our function into a PyTorch module. As you may have noticed, in the previous exercise, we passed the transformation weights as inputs to the function. In a real-world scenario, these matrices are learned, and PyTorch can keep track of them for us.',
    ),
    p('Complete the missing lines on the initialization of the module and the forward pass.'),
    h(5, 'Note'),
    p(
      'GPT uses a version of self-attention called causal self-attention. When training our models for tasks like language modeling and machine translation, in practice we feed the entire train sequence to the model but, at every timestep, we want to prevent it to compute the alignment with future tokens. For this reason we use a mask that we incrementally lift at every timestep. For instance, we have a sentence that says "Libson is a great city to live in". At time 0, we feed the entire sentence to the model masking everything but the first token. Using the strikethrough format as masking, this will be what the model sees at step 0:',
    ),
    ul('Time 0: Libson ~is a great city to live in~'),
    p(
      'We then let the model generate a token a and move to step 1 where we are masking everything but the first two tokens',
    ),
    ul('Time 1: Libson is ~a great city to live in~'),
    p('and so on...'),
    ul(
      'Time 2: Libson is a ~great city to live in~',
      'Time 3: Libson is a great ~city to live in~',
      'Time 4: Libson is a great city ~to live in~',
      'Time 5: Libson is a great city to ~live in~',
      'Time 6: Libson is a great city to live ~in~',
    ),
    p(
      'We can now look back at the attention figure from the paper. Hopefully, you are now able to understand also the right side of the figure.',
    ),
    figure(ATTENTION_FIGURE),
    cell(
      15,
      `
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

class CausalSelfAttention(nn.Module):

    def __init__(self, config):
        super().__init__()

        # Initialize layers and parameters
        self.hidden_size = config.n_embd
        self.num_heads = config.n_head

        # Create the linear projections for query, key, and value tensors
        # Note: the input and output size of all these projections is n_embd
        self.query_proj = nn.Linear(config.n_embd, config.n_embd)
        self.key_proj = nn.Linear(config.n_embd, config.n_embd)
        self.value_proj = nn.Linear(config.n_embd, config.n_embd)

        self.output_proj = nn.Linear(config.n_embd, config.n_embd)

        self.attn_dropout = nn.Dropout(config.attn_pdrop)
        self.resid_dropout = nn.Dropout(config.resid_pdrop)

        self.register_buffer(
            "bias",
            torch.tril(torch.ones(config.block_size, config.block_size)).view(
                1, 1, config.block_size, config.block_size))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.size()

        # Create the projections for query, key, and value tensors
        # Note: In self-attention these are all over the same tensor x
        Q = self.query_proj(x)
        K = self.key_proj(x)
        V = self.value_proj(x)

        # Reshape and transpose tensors for multi-head computation.
        # We reshape the output from (B, T, C) to (B, T, num_heads, hidden_size/num_heads)
        # And transpose the result to (B, num_heads, T, hidden_size/num_heads)
        # So the multi-head computation can be implemented as a single matrix multiplication.
        query = query.view(B, T, self.num_heads,
                           self.hidden_size // self.num_heads).transpose(1, 2)
        key = key.view(B, T, self.num_heads,
                       self.hidden_size // self.num_heads).transpose(1, 2)
        value = value.view(B, T, self.num_heads,
                           self.hidden_size // self.num_heads).transpose(1, 2)

        # Compute attention scores. The shape of scores should be (B, num_heads, T, T)
        # Hint: You can use tensor.transpose() to adapt the order of the axes.
        attention_scores = torch.matmul(Q, K.transpose(-2, -1))

        # Normalize the scores by dividing by the square root of the hidden size
        # Take into account that you are using multi-head attention!
        attention_scores = attention_scores / math.sqrt(floor(self.hidden_size / self.num_heads))

        # Apply causal mask to restrict attention to the left in the input sequence
        mask = self.bias[:, :, :T, :T]
        scores = scores.masked_fill(mask == 0, float('-inf'))

        # Apply softmax activation to get attention weights
        # Check the correct axis for the softmax function! What should be the shape of the weights?
        weights = F.softmax(scores, dim=-1)

        # Apply dropout to the attention weights
        weights = self.attn_dropout(weights)

        # Multiply attention weights with values to get attended values
        attended_values = torch.matmul(weights, V)

        # Transpose and reshape attended values to restore original shape
        attended_values = attended_values.transpose(1, 2).contiguous().view(B, T, C)

        # Apply output projection and dropout
        output = self.resid_dropout(self.output_proj(attended_values))

        return output
`,
      `
// The notebook's cell mixes names (Q and query, scores and attention_scores) and uses floor without importing
// it: here each tensor has one name, and the head size is computed once.
import { causalMask, type CausalSelfAttentionConfig } from '@lxmls/attention';
import { Dropout, Linear, Module } from '@lxmls/nn';
import { maskedFill, matmul, slice, softmax, sub, type Tensor } from '@lxmls/tensor';

class CausalSelfAttention extends Module {
  readonly hiddenSize: number;
  readonly numHeads: number;
  readonly queryProj: Linear;
  readonly keyProj: Linear;
  readonly valueProj: Linear;
  readonly outputProj: Linear;
  readonly attnDropout: Dropout;
  readonly residDropout: Dropout;
  readonly bias: Tensor;

  constructor(config: CausalSelfAttentionConfig) {
    super();

    // Initialize layers and parameters
    this.hiddenSize = config.nEmbd;
    this.numHeads = config.nHead;

    // Create the linear projections for query, key, and value tensors
    // Note: the input and output size of all these projections is nEmbd
    this.queryProj = this.registerModule('query_proj', new Linear(config.nEmbd, config.nEmbd));
    this.keyProj = this.registerModule('key_proj', new Linear(config.nEmbd, config.nEmbd));
    this.valueProj = this.registerModule('value_proj', new Linear(config.nEmbd, config.nEmbd));

    this.outputProj = this.registerModule('output_proj', new Linear(config.nEmbd, config.nEmbd));

    this.attnDropout = this.registerModule('attn_dropout', new Dropout(config.attnPdrop));
    this.residDropout = this.registerModule('resid_dropout', new Dropout(config.residPdrop));

    this.bias = this.registerBuffer(
      'bias',
      causalMask(config.blockSize).view([1, 1, config.blockSize, config.blockSize]),
    );
  }

  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number];

    // Create the projections for query, key, and value tensors
    // Note: In self-attention these are all over the same tensor x
    const Q = this.queryProj.forward(x); // (B, T, C)
    const K = this.keyProj.forward(x); // (B, T, C)
    const V = this.valueProj.forward(x); // (B, T, C)

    // Reshape and transpose tensors for multi-head computation.
    // We reshape the output from (B, T, C) to (B, T, numHeads, hiddenSize/numHeads)
    // And transpose the result to (B, numHeads, T, hiddenSize/numHeads)
    const hs = Math.floor(this.hiddenSize / this.numHeads);
    const query = Q.view([B, T, this.numHeads, hs]).transpose(1, 2); // (B, nh, T, hs)
    const key = K.view([B, T, this.numHeads, hs]).transpose(1, 2); // (B, nh, T, hs)
    const value = V.view([B, T, this.numHeads, hs]).transpose(1, 2); // (B, nh, T, hs)

    // Compute attention scores. The shape of scores should be (B, numHeads, T, T)
    let scores = matmul(query, key.transpose(-2, -1)); // (B, nh, T, T)

    // Normalize the scores by dividing by the square root of the head size
    scores = scores.div(Math.sqrt(hs));

    // Apply causal mask to restrict attention to the left in the input sequence
    const mask = slice(this.bias, [0, 0, 0, 0], [1, 1, T, T]); // (1, 1, T, T)
    scores = maskedFill(scores, sub(1, mask), Number.NEGATIVE_INFINITY); // fill where mask == 0

    // Apply softmax activation to get attention weights (over the keys: the last axis)
    let weights = softmax(scores, -1); // (B, nh, T, T)

    // Apply dropout to the attention weights
    weights = this.attnDropout.forward(weights);

    // Multiply attention weights with values to get attended values
    let attendedValues = matmul(weights, value); // (B, nh, T, hs)

    // Transpose and reshape attended values to restore original shape (no .contiguous(): ops copy)
    attendedValues = attendedValues.transpose(1, 2).reshape([B, T, C]); // (B, T, C)

    // Apply output projection and dropout
    return this.residDropout.forward(this.outputProj.forward(attendedValues)); // (B, T, C)
  }
}
`,
    ),
  ],
};

const EXERCISE_2_3: NotebookSection = {
  id: '2.3',
  title: 'Questions [Optional]',
  blocks: [
    question({
      id: '2.3.causal-mask',
      question: 'What is the purpose of applying a causal mask in the attention computation?',
      answer: [
        'The causal mask ensure that the in attention computation, each position in the sequence can only attend to the positions on its left, preventing information leakage from future positions. This is essential in tasks where the model should generate output sequentially, such as language generation or autoregressive tasks.',
      ],
      answerBy: 'notebook',
    }),
    question({
      id: '2.3.heads',
      question:
        "How does the number of attention heads affect the model's capacity to capture different types of dependencies in the input sequence?",
      answer: [
        'Multiple heads allow the model to attend to different parts of the input sequence simultaneously. By increasing the number of attention heads, the model can capture more diverse dependencies and patterns in the data. Each head can focus on different aspects of the input, enabling the model to learn complex relationships and improve performance on tasks that require capturing multiple types of dependencies.',
      ],
      answerBy: 'notebook',
    }),
    question({
      id: '2.3.dropout',
      question:
        'What is the purpose of the residual dropout and attention dropout in the CausalSelfAttention module?',
      answer: [
        'The residual dropout and attention dropout are regularization techniques used to prevent overfitting and improve the generalization of the model. The residual dropout applies dropout to the output of the attention module, helping to regularize the model during training. The attention dropout applies dropout to the attention weights, which helps to reduce over-reliance on specific tokens and encourages the model to attend to a broader range of tokens in the sequence.',
      ],
      answerBy: 'notebook',
    }),
  ],
};

const EXERCISE_2_4: NotebookSection = {
  id: '2.4',
  title: 'Visualize Attentions [Optional]',
  blocks: [
    p(
      'Now that we understand the basic mechanisms of attention, we can check the activated attention patterns in a pretrained BERT model (Devlin et al. 2018). Recall that BERT is an encoder-based transformer model which is based on a stack of self-attention blocks.',
    ),
    cell(
      16,
      `
from transformers import BertTokenizer, BertModel
from bertviz import head_view

# Define a sample input text
text = "I will go for a run and will jump into a lake."

# Instantiate the BERT tokenizer and model
tokenizer = BertTokenizer.from_pretrained('bert-base-uncased')
model = BertModel.from_pretrained('bert-base-uncased')

# Tokenize the input text
tokens = tokenizer.tokenize(text)

# Convert tokens to token IDs
token_ids = tokenizer.convert_tokens_to_ids(tokens)

# Create attention mask
attention_mask = [1] * len(token_ids)

# Convert token IDs and attention mask to tensors
input_ids = torch.tensor([token_ids])
attention_mask = torch.tensor([attention_mask])

# Generate the transformer output
outputs = model(input_ids, attention_mask=attention_mask, output_attentions=True)

# Extract attentions and check the shape
outputs.attentions[0].shape
`,
      `
import { attentionForViz, loadBertFolder } from '@lxmls/bert';
import { headView } from '@lxmls/viz';

// Define a sample input text
const text = 'I will go for a run and will jump into a lake.';

// Load the BERT tokenizer and model from a folder in Hugging Face's layout (no hub: a local folder)
const { tokenizer, model } = await loadBertFolder('bert-base-uncased');

// Tokenize the input text
const tokens = tokenizer.tokenize(text);

// Convert tokens to token IDs
const tokenIds = tokenizer.convertTokensToIds(tokens);

// Create attention mask
const attentionMask = tokenIds.map(() => 1);

// Generate the transformer output (plain arrays: the model makes the tensors)
const outputs = model.forward({ inputIds: [tokenIds], attentionMask: [attentionMask], outputAttentions: true });

// Extract attentions and check the shape
outputs.attentions![0]!.shape;
`,
      `
Some weights of the model checkpoint at bert-base-uncased were not used when initializing BertModel: ['cls.predictions.bias', 'cls.predictions.transform.dense.bias', 'cls.predictions.transform.LayerNorm.weight', 'cls.seq_relationship.bias', 'cls.predictions.transform.dense.weight', 'cls.predictions.transform.LayerNorm.bias', 'cls.seq_relationship.weight']
- This IS expected if you are initializing BertModel from the checkpoint of a model trained on another task or with another architecture (e.g. initializing a BertForSequenceClassification model from a BertForPreTraining model).
- This IS NOT expected if you are initializing BertModel from the checkpoint of a model that you expect to be exactly identical (initializing a BertForSequenceClassification model from a BertForSequenceClassification model).
torch.Size([1, 12, 13, 13])
`,
    ),
    p(
      'As you can see, we extracted an attention from the first layaer. The first dimension is the bach, the second one is the number of heads used in the first layer, and the last two dimensions are the sequence length. Given that this was a self attention block the last two numbers are equal.',
    ),
    p(
      'We can now use a method from the [bertviz library](https://github.com/jessevig/bertviz) and plot all the heads.',
    ),
    p(
      "You'll see a dropdown menu that allows you the select a layer of the model (GPT-2 has 12). You'll then see a color for every head used in that layer (GPT-2 has 12 head per layer). By default all heads are shown, click on a color to activate/disactivate that head. It can help starting by activating only one head and checking the learned relation learn by that self attentino head. By hovering over each word you can see the attention weigths that linked that words to all the others.",
    ),
    question({
      id: '2.4.pattern',
      question: 'Do you notice any interesting (linguistic) pattern?',
      answer: [
        'The notebook leaves this one open. In a pretrained BERT, single heads usually do one simple, readable thing (Clark et al., 2019, "What Does BERT Look At?"):',
        'Positional heads: every token looks at the **previous** token, or at the **next** one (a diagonal just below or above the main one).',
        'Separator heads: most of the weight goes to `[SEP]` or `[CLS]` (without special tokens, as in the notebook, often to the final "." instead): a head with nothing to do parks its attention there.',
        'Same-word heads: a word looks at its other occurrences ("will" → "will").',
        'Deeper layers show syntax: a determiner looks at its noun ("a" → "lake"), a verb at its object or preposition ("jump" → "into"), and within a word split by WordPiece the pieces look at each other.',
        'A randomly initialised BERT shows none of this: its heads spread their weight almost evenly. The patterns come from pretraining.',
      ],
      answerBy: 'lxmls-ts',
    }),
    cell(
      17,
      'head_view(outputs.attentions, tokens=tokens)',
      `
// In a page: the head view drawn into an element (no Jupyter, no CDN)
headView(document.getElementById('view')!, attentionForViz(model, tokenizer, text, { addSpecialTokens: false }));
// In a terminal: lxmls viz (lxmls/bert-mini on this sentence, offline), or for a downloaded bert-base-uncased folder:
// lxmls viz --model ./bert-base-uncased --text "I will go for a run and will jump into a lake."
`,
      '<IPython.core.display.Javascript object>',
    ),
  ],
};

const EXERCISE_3: NotebookSection = {
  id: '3',
  title: 'Training a GPT',
  blocks: [
    p(
      'Now that we know everything aboout attention, we can go ahead and train a GPT-based model which heavilty relies on attention.',
    ),
    p('We will now:'),
    ol('Create a GPT-2 model', 'Train this model on a small dataset.', 'Check the loss of our model'),
    p(
      'Based on this: [https://pytorch.org/tutorials/beginner/transformer_tutorial.html](https://pytorch.org/tutorials/beginner/transformer_tutorial.html)',
    ),
  ],
};

const EXERCISE_3_1: NotebookSection = {
  id: '3.1',
  title: 'Training a Weather Prediction Model using Autoregressive Transformer',
  blocks: [
    p(
      'In this exercise, we will work with a dummy weather dataset that consists of sequences of weather observations and corresponding states. The goal is to train a small model using an autoregressive transformer to predict the weather state based on the previous observations.',
    ),
    cell(
      18,
      `
import torch
from torch.utils.data.dataloader import DataLoader
import numpy as np
import time

import random
random.seed(42)

from lxmls.transformers.utils import set_seed
from lxmls.transformers.bpe import BPETokenizer
from lxmls.transformers.model import GPT
from lxmls.transformers.trainer import Trainer
from lxmls.transformers.dataset import WeatherDataset
`,
      `
import { BPETokenizer } from '@lxmls/bpe';
import { formatConfig, GPT } from '@lxmls/gpt';
import { manualSeed } from '@lxmls/tensor';
import { formatTrainerConfig, Trainer } from '@lxmls/trainer';
import { WeatherDataset } from '@lxmls/weather-data';

manualSeed(42); // one seed for the tensors; the dataset takes its own ({ seed })
`,
    ),
    p(
      'We start by initializing the dataset, which is responsible for providing the training data for our model. The dataset contains sequences of weather observations and their corresponding states. These sequences are converted into indices and concatenated to form the input and output sequences for the transformer model.',
    ),
    p('You can check in detail the dataset in `lxmls/transformers/dataset.py`.'),
    cell(
      19,
      `
# Fixed probabilities, easier to learn
# This is just to create the sequence in the dataset
fixed_proba = {}
fixed_proba["initial"] = [.5,.3,.2]
fixed_proba["transition"] = [
    [.5,.5,0],
    [0,.5,.5],
    [.5,0,.5]
]
fixed_proba["emission"] = [
    [.5,0,.2,0,.3],
    [0,.5,.4,0,.1],
    [0,0,.1,.5,.4]
]
`,
      `
// Fixed probabilities, easier to learn (exported by @lxmls/weather-data as FIXED_PROBA)
// This is just to create the sequence in the dataset
const fixedProba = {
  initial: [0.5, 0.3, 0.2],
  transition: [
    [0.5, 0.5, 0],
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
  ],
  emission: [
    [0.5, 0, 0.2, 0, 0.3],
    [0, 0.5, 0.4, 0, 0.1],
    [0, 0, 0.1, 0.5, 0.4],
  ],
};
`,
    ),
    cell(
      20,
      `
# print an example instance of the dataset
train_dataset = WeatherDataset('train', proba=fixed_proba)
test_dataset = WeatherDataset('test', proba=train_dataset.proba)
x, y = train_dataset[0]

print("Sampling from the dataset:")
print(f"Input: {train_dataset.decode_obs(x.tolist()[:6])}")
print(f"Labels: {train_dataset.decode_st(y.tolist()[5:])}")
print("-"*50)
print("Tokenized sequences:")
print(f"Input: {x.tolist()}")
print(f"Labels: {y.tolist()}")
`,
      `
// print an example instance of the dataset
const trainDataset = new WeatherDataset('train', { proba: fixedProba, seed: 42 });
const testDataset = new WeatherDataset('test', { proba: trainDataset.proba });
const { x, y } = trainDataset.get(0); // Int32Arrays

console.log('Sampling from the dataset:');
console.log(\`Input: \${trainDataset.decodeObs(x.subarray(0, 6))}\`);
console.log(\`Labels: \${trainDataset.decodeSt(y.subarray(5))}\`);
console.log('-'.repeat(50));
console.log('Tokenized sequences:');
console.log(\`Input: \${Array.from(x)}\`);
console.log(\`Labels: \${Array.from(y)}\`);
`,
      `
Sampling from the dataset:
Input: ['read', 'walk', 'walk', 'walk', 'tennis', 'shop']
Labels: ['snowy', 'sunny', 'sunny', 'sunny', 'sunny', 'sunny']
--------------------------------------------------
Tokenized sequences:
Input: [1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7]
Labels: [-1, -1, -1, -1, -1, 6, 7, 7, 7, 7, 7]
`,
    ),
    p(
      'Next, we create a model using the default configuration for the GPT model. This configuration includes parameters which determine the size and structure of the model. The GPT model is a small version called GPT Nano.',
    ),
    cell(
      21,
      `
# create a GPT instance
model_config = GPT.get_default_config()
model_config.model_type = 'gpt-nano'
model_config.vocab_size = train_dataset.get_vocab_size()
model_config.block_size = train_dataset.get_block_size()
model = GPT(model_config)

print(model_config)
`,
      `
// create a GPT instance
const modelConfig = GPT.getDefaultConfig();
modelConfig.modelType = 'gpt-nano';
modelConfig.vocabSize = trainDataset.getVocabSize();
modelConfig.blockSize = trainDataset.getBlockSize();
const model = new GPT(modelConfig);

console.log(model.parameterCountLine()); // Python prints it in GPT.__init__; libraries here do not print
console.log(formatConfig(modelConfig));
`,
      `
number of parameters: 0.09M
model_type: gpt-nano
n_layer: 3
n_head: 3
n_embd: 48
vocab_size: 8
block_size: 11
embd_pdrop: 0.1
resid_pdrop: 0.1
attn_pdrop: 0.1
pretrained: False
`,
    ),
    p(
      'To train our model, we create a Trainer object. The Trainer handles the training process, including defining the learning rate, setting the maximum number of iterations, and specifying the number of workers for data loading. The Trainer is initialized with the model, training dataset, and validation dataset.',
    ),
    cell(
      22,
      `
# create a Trainer object
train_config = Trainer.get_default_config()
train_config.learning_rate = 5e-4 # the model we're using is so small that we can go a bit faster
train_config.max_iters = 2000
train_config.num_workers = 0
train_config.device = "mps"
trainer = Trainer(train_config, model, train_dataset)

print(train_config)
`,
      `
// create a Trainer object
const trainConfig = Trainer.getDefaultConfig();
trainConfig.learningRate = 5e-4; // the model we're using is so small that we can go a bit faster
trainConfig.maxIters = 2000;
trainConfig.numWorkers = 0;
trainConfig.device = 'wasm'; // the tensor backend: wasm (CPU, SIMD), or tfjs-webgl / tfjs-webgpu in a browser
const trainer = new Trainer(trainConfig, model, trainDataset, { log: console.log });

console.log(formatTrainerConfig(trainer.config));
`,
      `
running on device mps
device: mps
num_workers: 0
max_iters: 2000
batch_size: 64
learning_rate: 0.0005
betas: (0.9, 0.95)
weight_decay: 0.1
grad_norm_clip: 1.0
`,
    ),
    p(
      'With these components in place, we are ready to train our model on the weather dataset and make predictions based on the learned patterns. We just add some minor utilities function that show us intermediate logs. You can safely ignore them since most of this is usually abstracted away from end users in modern deep learning libraries.',
    ),
    cell(
      23,
      `
def batch_end_callback(trainer):
    if trainer.iter_num % 100 == 0:
        print(f"iter_dt {trainer.iter_dt * 1000:.2f}ms; iter {trainer.iter_num}: train loss {trainer.loss.item():.5f}")
trainer.set_callback('on_batch_end', batch_end_callback)

start_time = time.time()
trainer.run()
end_time = time.time()
elapsed_time = end_time - start_time

# Print the training time
print("Training time: {:.2f} seconds".format(elapsed_time))
`,
      `
trainer.setCallback('on_batch_end', (trainer) => {
  if (trainer.iterNum % 100 === 0)
    console.log(\`iter_dt \${(trainer.iterDt * 1000).toFixed(2)}ms; iter \${trainer.iterNum}: train loss \${trainer.loss.toFixed(5)}\`);
});

const startTime = performance.now();
await trainer.run(); // yields to the event loop now and then: a page stays responsive
const elapsedTime = (performance.now() - startTime) / 1000;

// Print the training time
console.log(\`Training time: \${elapsedTime.toFixed(2)} seconds\`);
`,
      `
iter_dt 0.00ms; iter 0: train loss 2.12462
iter_dt 74.95ms; iter 100: train loss 0.68922
iter_dt 71.30ms; iter 200: train loss 0.41048
iter_dt 72.52ms; iter 300: train loss 0.27799
iter_dt 70.22ms; iter 400: train loss 0.34290
iter_dt 72.17ms; iter 500: train loss 0.29112
iter_dt 70.00ms; iter 600: train loss 0.32617
iter_dt 70.19ms; iter 700: train loss 0.29911
iter_dt 80.44ms; iter 800: train loss 0.28581
iter_dt 72.55ms; iter 900: train loss 0.28469
iter_dt 71.64ms; iter 1000: train loss 0.24523
iter_dt 71.61ms; iter 1100: train loss 0.26700
iter_dt 70.17ms; iter 1200: train loss 0.25450
iter_dt 69.91ms; iter 1300: train loss 0.31443
iter_dt 75.90ms; iter 1400: train loss 0.27875
iter_dt 72.02ms; iter 1500: train loss 0.28641
iter_dt 69.55ms; iter 1600: train loss 0.23928
iter_dt 70.10ms; iter 1700: train loss 0.30623
iter_dt 72.61ms; iter 1800: train loss 0.29678
iter_dt 70.17ms; iter 1900: train loss 0.24689
`,
    ),
    p(
      'As you can see the loss started decreaseing and it seemed to fluctuate around a range of values close to 0.25',
    ),
    p(
      "Great! You have just **trained a small GPT model**! Congrats! Generating from such a tiny model that has been trained only for a short number of iteration won't give us interesting output. Let's rely on the one of the many powerful and larger pretrained model publicly available.",
    ),
  ],
};

const EXERCISE_3_2: NotebookSection = {
  id: '3.2',
  title: 'Prompting a pretrained GPT-2 model',
  blocks: [
    p(
      'We can load a pretrained gpt2 model from hugging face (this is done behind the scene from the GPT class) and prompt it with any text of our choice.',
    ),
    cell(
      24,
      `
model_type = "gpt2"
device = "mps"
model = GPT.from_pretrained(model_type)

# move model to the device(GPU if available)
# set to eval mode to avoid gradient accumulation model.to(device)
model.to(device)
model.eval()
`,
      `
import { GPT } from '@lxmls/gpt';

const modelType = 'gpt2'; // offline: a local GPT-2 folder, or the small GPT with GPT-2's tokenizer of @lxmls/models
const model = await GPT.fromPretrained(modelType);

// no model.to(device): the tensor backend is chosen once (setBackend('wasm') in @lxmls/tensor)
// set to eval mode (dropout off)
model.eval();
`,
      `
number of parameters: 124.44M
`,
    ),
    p(
      'Great! We can now generate from our pretrained model. We just need to pass a context and let the model generate. There are two additional parameters. `tokens` is the number of tokens we want our model to generate and `num_samples` is the number of diverse samples we are asking the model to produce. Since we are sampling from the model distribution, we can generate as many samples as we want, hence the parameter.',
    ),
    p('Feel free to change the context and have fun _generating text from a pretrained GPT2_!'),
    cell(
      25,
      `
# Random prompt, uses pooling
for i in range(5):
    set_seed(42)
    model.prompt("Barack Obama, the", 50, 3)

# Deterministic prompt, does NOT use pooling
for i in range(5):
    model.prompt_topK("Barack Obama, the", 50, 3)
`,
      `
import { formatSamples } from '@lxmls/gpt';
import { manualSeed } from '@lxmls/tensor';

// Random prompt, uses pooling
for (let i = 0; i < 5; i++) {
  manualSeed(42);
  console.log(formatSamples(model.prompt('Barack Obama, the', 50, 3)));
}

// Deterministic prompt, does NOT use pooling
for (let i = 0; i < 5; i++) {
  console.log(formatSamples(model.promptTopK('Barack Obama, the', 50, 3)));
}
`,
    ),
  ],
};

/**
 * The notebook, section by section, in its order: `1`, `2`, `2.1`, `2.2`, `2.3`, `2.4`, `3`, `3.1`, `3.2`.
 *
 * @example
 * ```ts
 * import { NOTEBOOK } from '@lxmls/course';
 * console.log(NOTEBOOK.map((section) => section.id).join(' ')); // → 1 2 2.1 2.2 2.3 2.4 3 3.1 3.2
 * ```
 */
export const NOTEBOOK: readonly NotebookSection[] = [
  EXERCISE_1,
  EXERCISE_2,
  EXERCISE_2_1,
  EXERCISE_2_2,
  EXERCISE_2_3,
  EXERCISE_2_4,
  EXERCISE_3,
  EXERCISE_3_1,
  EXERCISE_3_2,
];

/**
 * One section of the notebook by its exercise number.
 *
 * @param id - The notebook's number: `'1'`, `'2.1'`, …, `'3.2'`.
 * @returns The section.
 * @throws Error naming the known ids when `id` is not one of them.
 * @example
 * ```ts
 * import { notebookSection } from '@lxmls/course';
 * console.log(notebookSection('2.3').title); // → Questions [Optional]
 * ```
 */
export function notebookSection(id: string): NotebookSection {
  const section = NOTEBOOK.find((candidate) => candidate.id === id);
  if (section === undefined)
    throw new Error(
      `[@lxmls/course] notebookSection: unknown section. Expected one of ${NOTEBOOK.map((s) => s.id).join(', ')}, received ${JSON.stringify(id)}.`,
    );
  return section;
}

/**
 * The cell `In [n]` of the notebook.
 *
 * @param n - The execution count (2 to 25).
 * @returns The cell.
 * @throws Error when the notebook has no such cell (In [1], the set-up, is not kept).
 * @example
 * ```ts
 * import { notebookCell } from '@lxmls/course';
 * console.log(notebookCell(5).python, notebookCell(5).typescript); // → [ 'tokenizer = BPETokenizer()' ] [ 'const tokenizer = new BPETokenizer();' ]
 * ```
 */
export function notebookCell(n: number): NotebookCell {
  for (const section of NOTEBOOK)
    for (const block of section.blocks) if (block.kind === 'cell' && block.cell.n === n) return block.cell;
  throw new Error(
    `[@lxmls/course] notebookCell: no such cell. Expected the count of a cell of the notebook (2 to 25), received ${n}.`,
  );
}

/**
 * Every question of the notebook, in order (of one section when `sectionId` is given).
 *
 * @param sectionId - A section's number; all sections when omitted.
 * @returns The questions.
 * @example
 * ```ts
 * import { notebookQuestions } from '@lxmls/course';
 * console.log(notebookQuestions('2.3').length, notebookQuestions('2.4')[0]?.question); // → 3 Do you notice any interesting (linguistic) pattern?
 * ```
 */
export function notebookQuestions(sectionId?: string): NotebookQuestion[] {
  const sections = sectionId === undefined ? NOTEBOOK : [notebookSection(sectionId)];
  return sections.flatMap((section) =>
    section.blocks.flatMap((block) => (block.kind === 'question' ? [block.question] : [])),
  );
}

/** A piece of inline text: plain, bold, italic, code, struck (masked), or a link. */
export type InlineSpan =
  | { kind: 'plain' | 'bold' | 'italic' | 'code' | 'struck'; text: string }
  | { kind: 'link'; text: string; href: string };

const INLINE =
  /\*\*(.+?)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])|(?<!\w)_([^_\s][^_]*?)_(?!\w)|~([^~]+)~/g;

/**
 * Splits a line of the notebook's text into spans (`**bold**`, `*italic*`, `_italic_`, `` `code` ``,
 * `[text](url)`, `~struck~`), for a page to render as HTML and a terminal as plain text.
 *
 * @param text - The text.
 * @returns The spans, in order; their texts concatenated are the text without its markup.
 * @example
 * ```ts
 * import { parseInline } from '@lxmls/course';
 * console.log(parseInline('a **b** `c`').map((span) => span.kind).join(' ')); // → plain bold plain code
 * ```
 */
export function parseInline(text: string): InlineSpan[] {
  const spans: InlineSpan[] = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > at) spans.push({ kind: 'plain', text: text.slice(at, match.index) });
    const [, bold, code, linkText, href, star, underscore, struck] = match;
    if (bold !== undefined) spans.push({ kind: 'bold', text: bold });
    else if (code !== undefined) spans.push({ kind: 'code', text: code });
    else if (linkText !== undefined) spans.push({ kind: 'link', text: linkText, href: href! });
    else if (star !== undefined) spans.push({ kind: 'italic', text: star });
    else if (underscore !== undefined) spans.push({ kind: 'italic', text: underscore });
    else spans.push({ kind: 'struck', text: struck! });
    at = match.index + match[0].length;
  }
  if (at < text.length) spans.push({ kind: 'plain', text: text.slice(at) });
  return spans;
}
