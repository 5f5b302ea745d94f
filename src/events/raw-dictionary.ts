// The preset dictionary of stored-raw format 1 (see stored-raw.ts): text that events
// commonly repeat, which deflate may refer back to instead of storing it in every row.
// It is made from the two wire shapes' field names and skeletons (../api/wire) and the
// commonest browser user-agent fragments, not from any data set; deflate reaches the
// end of a dictionary most cheaply, so the most frequent text is last.
//
// NEVER EDIT THIS TEXT. Every row written in format 1 needs these exact bytes to be read
// back. A better dictionary is a new format number with a new constant beside this one.
export const RAW_DICTIONARY_1 = [
  // Audit Trail (legacy) events, in the order the SDKs send the fields.
  '{"group":"org_","location":"","occurred_at":"","action":"","action_type":"C","actor_name":"","actor_id":"user_",',
  '"target_name":"","target_id":"","metadata":{}}',
  // Browser user agents.
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/',
  ' Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/',
  ' Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  ' Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
  // Common target types and action verbs.
  ' "type":"organization" "type":"document" "type":"api_key" "type":"service" "type":"team" "type":"project"',
  ' .created .updated .deleted .viewed .login .logout .invited .exported .signed_in @example.com @gmail.com',
  // Audit Logs events, in the order the SDKs send the fields.
  '{"action":"","occurred_at":"2026-","version":1,"actor":{"id":"user_","type":"user","name":"","metadata":{"email":"","role":"admin"}},',
  '"targets":[{"id":"","type":"user","name":"","metadata":{}},{"id":"","type":"team","name":""}],',
  '"context":{"location":"","user_agent":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"},',
  '"metadata":{"request_id":"req_"}}',
].join('');
