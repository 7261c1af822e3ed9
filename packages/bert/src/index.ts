/**
 * @lxmls/bert: BERT for Exercise 2.4 of the LxMLS course (visualising BERT's attention): a WordPiece tokenizer
 * identical to Hugging Face's BertTokenizer, and a BERT encoder that loads Hugging Face checkpoints and returns
 * hidden states, the pooler output and every layer's attention. Every export is listed here.
 *
 * @packageDocumentation
 */

export { activation, geluErf } from './activations.js';
export { BertAttention, type BertAttentionOutput, BertSelfAttention, BertSelfOutput } from './attention.js';
export { BasicTokenizer, type BasicTokenizerOptions, isPunctuation } from './basic-tokenizer.js';
export { type HFBertState, hfBertStateDict } from './checkpoint.js';
export {
  BERT_BASE_CONFIG,
  type BertActivation,
  type BertConfig,
  bertConfig,
  bertConfigFromJson,
} from './config.js';
export { checkBertConfigAgainstWeights } from './config-check.js';
export { BertEmbeddings } from './embeddings.js';
export { BertEncoder, type BertEncoderOutput, BertPooler } from './encoder.js';
export { type BertErrorCode, type BertErrorDetails, LxmlsBertError } from './errors.js';
export {
  type AttentionPattern,
  type AttentionPatterns,
  type AttentionPatternsOptions,
  attentionPatterns,
  type HeadPatternScores,
  type HeadPatternsOptions,
  type HeadWeights,
  headPatterns,
  strongestHeads,
} from './heads.js';
export { BertIntermediate, BertLayer, BertOutput } from './layer.js';
export {
  isBertFolder,
  type LoadBertOptions,
  type LoadedBert,
  loadBert,
  loadBertFolder,
  loadBertTokenizer,
  tokenizerConfigOptions,
} from './load.js';
export { type MaskedTokens, type MaskTokensOptions, maskTokens } from './masking.js';
export {
  BertForMaskedLM,
  BertLMPredictionHead,
  type BertMaskedLMOutput,
  BertOnlyMLMHead,
  BertPredictionHeadTransform,
} from './mlm.js';
export { MlmBatchSampler, type MlmBatchSamplerOptions } from './mlm-data.js';
export {
  type BertForwardInput,
  type BertIds,
  type BertLoadOptions,
  BertModel,
  type BertModelOptions,
  type BertModelOutput,
} from './model.js';
export {
  type BertWeightFiles,
  measureMaskedLM,
  NOTEBOOK_SENTENCE,
  type PretrainMaskedLMHooks,
  type PretrainMaskedLMOptions,
  pretrainMaskedLM,
} from './pretrain.js';
export {
  bertConfigJson,
  calibrateUnseenBias,
  corpusSoftmax,
  heldOutSentences,
  sinusoidalPositions,
} from './pretrain-parts.js';
export {
  type BertBatchEncoding,
  type BertDecodeOptions,
  type BertEncodeOptions,
  type BertEncoding,
  BertTokenizer,
  type BertTokenizerOptions,
} from './tokenizer.js';
export { type AttentionForVizOptions, attentionForViz, type BertAttentionViz } from './viz.js';
export { type WordpieceOptions, WordpieceTokenizer } from './wordpiece.js';
