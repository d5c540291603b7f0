// Renders Microsoft's Web Chat into <div id="assistant-chat"> (or the element given in data-target).
// Embed on any intranet page:
//   <div id="assistant-chat" style="height: 600px"></div>
//   <script src="https://ASSISTANT_HOST/webchat/config.js"></script>
//   <script src="https://ASSISTANT_HOST/webchat/webchat.js"></script>
//   <script src="https://ASSISTANT_HOST/webchat/embed.js"></script>
(function () {
  'use strict';
  var script = document.currentScript;
  var origin = script ? new URL(script.src, window.location.href).origin : window.location.origin;
  var target = document.getElementById((script && script.dataset.target) || 'assistant-chat');
  if (!target || !window.WebChat) {
    if (window.console) console.error('Assistant: missing the chat <div> or webchat.js');
    return;
  }
  // By default the host's own Direct Line endpoint; by configuration Azure Bot Service's (WebChat__DirectLineDomain).
  var domain = window.ASSISTANT_DIRECT_LINE || origin + '/v3/directline';
  var tokenUrl = window.ASSISTANT_TOKEN_URL || origin + '/v3/directline/tokens/generate';
  var userId = 'dl_' + Math.random().toString(36).slice(2, 12);

  fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: { id: userId } }) })
    .then(function (r) {
      if (!r.ok) throw new Error('token request failed: ' + r.status);
      return r.json();
    })
    .then(function (t) {
      window.WebChat.renderWebChat({
        directLine: window.WebChat.createDirectLine({ token: t.token, domain: domain, webSocket: false }),
        userID: userId,
        locale: 'en-US',
        styleOptions: { hideUploadButton: true, bubbleMaxWidth: 720, suggestedActionLayout: 'flow' }
      }, target);
    })
    .catch(function (e) {
      target.textContent = 'The assistant is not reachable right now (' + e.message + ').';
    });
})();
