// Package chat is the workbench's chat with the data agent: an input line,
// the conversation with the model's text streaming in, and each answer's
// plan, SQL, first rows, explanation and token usage, whose cells can be
// inserted into the notebook.
package chat
