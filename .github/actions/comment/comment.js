// Posts the comment that berth's plan-diff action uploaded, or updates the
// one posted before. It runs with a writable token in the base
// repository's context, so it treats the artifact as untrusted text: it
// accepts the pull request number only when that pull request's head is
// the commit the run built, and shortens the body to GitHub's limit.
//
// post({github, context, core, dir, runHeadSha, runUrl}) reads comment.md,
// pr-number and head-sha from dir.
const fs = require('fs');
const path = require('path');

const marker = '<!-- berth-plan-diff -->';
// GitHub rejects comments over 65536 characters.
const limit = 60000;

// shorten makes the body fit, cutting the least needed first, so that no
// <details> or code fence is cut in half and every stack keeps its counts
// and its flags: the resource graphs; then each component's details,
// last first; then the tables of changed resources, last first; then the
// quoted output of stacks that do not plan; then the flags' reasons,
// shortened and at last dropped (each flag keeps its kind and resource).
// Only a body whose headers and flags alone are over the limit is cut at
// the limit.
function shorten(body, runUrl) {
  if (body.length <= limit) {
    return body;
  }
  const note = `\n\n_Shortened: see the full diff in the artifacts of ${runUrl}_\n`;
  const fits = () => body.length + note.length <= limit;
  // The body is trimmed: the last graph ends the body without a newline.
  body = body.replace(/\n<details><summary>Resource graph of [\s\S]*?\n<\/details>(\n|$)/g, '\n');
  // berth diff writes each component's details as one block; a value
  // cannot hold a line break (markdown.Code), so "\n</details>" ends it.
  while (!fits()) {
    const start = body.lastIndexOf('\n<details><summary><code>');
    const end = body.indexOf('\n</details>', start + 1);
    if (start < 0 || end < 0) {
      break;
    }
    body = body.slice(0, start) + body.slice(end + '\n</details>'.length);
  }
  while (!fits()) {
    const start = body.lastIndexOf('\n| Change | Resource |');
    if (start < 0) {
      break;
    }
    let end = body.indexOf('\n\n', start + 1);
    if (end < 0) {
      end = body.length;
    }
    body = body.slice(0, start) + '\n_The table of changed resources is in the artifacts._' + body.slice(end);
  }
  // A stack that does not plan quotes the program's output in a <pre>
  // (escaped by plan-diff.sh: no "<" or "|" inside): keep its start.
  for (const keep of [1000, 200]) {
    if (fits()) {
      break;
    }
    body = body.replace(/<pre>([\s\S]*?)<\/pre>/g, (block, text) => {
      if (text.length <= keep + 1) {
        return block;
      }
      const cut = text.slice(0, keep).replace(/&[#a-z0-9]*$|[\uD800-\uDBFF]$/, '');
      return `<pre>${cut}…</pre>`;
    });
  }
  // A flag row: | **kind** | `resource` | reason |. Pipes inside the
  // resource's code span are escaped, so the first " | " after it ends it.
  for (const keep of [300, 100, 0]) {
    if (fits()) {
      break;
    }
    body = body.replace(/^(\| \*\*[a-z]+\*\* \| .*? \| )(.*) \|$/gm, (row, head, reason) => {
      if (reason.length <= keep + 1) {
        return row;
      }
      // Cut outside an escape (\_ or &amp;) and a surrogate pair.
      const cut = reason.slice(0, keep).replace(/\\$|&[#a-z0-9]*$|[\uD800-\uDBFF]$/, '');
      return `${head}${cut}… |`;
    });
  }
  if (!fits()) {
    body = body.slice(0, limit - note.length).replace(/[\uD800-\uDBFF]$/, '');
  }
  return body + note;
}

async function post({ github, context, core, dir, runHeadSha, runUrl }) {
  const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8').trim();
  const number = Number(read('pr-number'));
  if (!Number.isSafeInteger(number) || number <= 0) {
    core.setFailed('pr-number is not a pull request number');
    return;
  }
  // The artifact comes from code the pull request controls: accept it only
  // for the pull request whose head the run built.
  const { data: pr } = await github.rest.pulls.get({ ...context.repo, pull_number: number });
  if (pr.head.sha !== runHeadSha) {
    core.setFailed(`pull request #${number} is at ${pr.head.sha}, the run built ${runHeadSha}`);
    return;
  }
  let body = read('comment.md');
  if (!body.startsWith(marker)) {
    body = marker + '\n' + body;
  }
  body = shorten(body, runUrl);
  const comments = await github.paginate(github.rest.issues.listComments, { ...context.repo, issue_number: number, per_page: 100 });
  const mine = comments.find((c) => c.user?.type === 'Bot' && c.user?.login === 'github-actions[bot]' && c.body?.startsWith(marker));
  if (mine) {
    await github.rest.issues.updateComment({ ...context.repo, comment_id: mine.id, body });
  } else {
    await github.rest.issues.createComment({ ...context.repo, issue_number: number, body });
  }
}

module.exports = { post, shorten, marker, limit };
