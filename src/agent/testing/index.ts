/** `toolwire/agent/testing`: a deterministic model for tests. */
export { ScriptedModel, type ScriptedModelOptions, type ScriptedTurn } from './scripted-model.js'
