// Renders Microsoft's Web Chat into <div id="assistant-chat"> (or the element given in data-target),
// with a "New conversation" button, light and dark styles that follow the system's colour scheme,
// and a plain message when the host cannot be used from this page.
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
  var FAILED_TO_CONNECT = 4; // Direct Line's ConnectionStatus.FailedToConnect

  var common = { hideUploadButton: true, bubbleMaxWidth: 720, suggestedActionLayout: 'flow', primaryFont: 'system-ui, "Segoe UI", Arial, sans-serif' };
  // Colours chosen for at least 4.5:1 contrast of text on its background in each scheme.
  var light = {
    accent: '#0063B1', subtle: '#5E5E5E', backgroundColor: '#FFFFFF',
    bubbleBackground: '#FFFFFF', bubbleBorderColor: '#D1D1D1', bubbleTextColor: '#1B1B1B',
    bubbleFromUserBackground: '#E8F1FB', bubbleFromUserBorderColor: '#B4D2F0', bubbleFromUserTextColor: '#1B1B1B',
    sendBoxBackground: '#FFFFFF', sendBoxTextColor: '#1B1B1B', sendBoxPlaceholderColor: '#5E5E5E', sendBoxBorderTop: 'solid 1px #D1D1D1',
    suggestedActionBackgroundColor: '#FFFFFF', suggestedActionBorderColor: '#0063B1', suggestedActionTextColor: '#0063B1',
    timestampColor: '#5E5E5E', notificationText: '#5E5E5E'
  };
  var dark = {
    accent: '#6CB8F6', subtle: '#C8C8C8', backgroundColor: '#1E1E1E',
    bubbleBackground: '#2B2B2B', bubbleBorderColor: '#474747', bubbleTextColor: '#F2F2F2',
    bubbleFromUserBackground: '#0F3A5F', bubbleFromUserBorderColor: '#2A6599', bubbleFromUserTextColor: '#FFFFFF',
    sendBoxBackground: '#2B2B2B', sendBoxTextColor: '#F2F2F2', sendBoxPlaceholderColor: '#B8B8B8', sendBoxBorderTop: 'solid 1px #474747',
    sendBoxButtonColor: '#C8C8C8', sendBoxButtonColorOnDisabled: '#8F8F8F',
    sendBoxButtonShadeColorOnHover: '#3A3A3A', sendBoxButtonShadeColorOnActive: '#474747', sendBoxButtonShadeColorOnDisabled: '#2B2B2B',
    sendBoxButtonKeyboardFocusIndicatorBorderColor: '#F2F2F2',
    suggestedActionBackgroundColor: '#2B2B2B', suggestedActionBorderColor: '#6CB8F6', suggestedActionTextColor: '#DCEEFD',
    suggestedActionBackgroundColorOnHover: '#3A3A3A', suggestedActionBackgroundColorOnActive: '#474747',
    suggestedActionBorderColorOnDisabled: '#474747', suggestedActionTextColorOnDisabled: '#8F8F8F',
    suggestedActionKeyboardFocusIndicatorBorderColor: '#F2F2F2', suggestedActionsVisualKeyboardIndicatorColor: '#F2F2F2',
    timestampColor: '#C8C8C8', notificationText: '#C8C8C8',
    transcriptVisualKeyboardIndicatorColor: '#F2F2F2', transcriptActivityVisualKeyboardIndicatorColor: '#C8C8C8',
    transcriptOverlayButtonBackground: 'rgba(255, 255, 255, .85)', transcriptOverlayButtonBackgroundOnHover: '#FFFFFF',
    transcriptOverlayButtonBackgroundOnFocus: '#FFFFFF', transcriptOverlayButtonColor: '#1B1B1B',
    toastSeparatorColor: '#474747'
  };
  var darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  function styleOptions() {
    return Object.assign({}, common, darkQuery && darkQuery.matches ? dark : light);
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    e.className = className;
    if (text) e.textContent = text;
    return e;
  }

  // The widget's own parts; Web Chat styles itself the same way (a <style> element in the head).
  var css = element('style', '');
  css.textContent =
    '.assistant-chat{display:flex;flex-direction:column;min-height:0;color-scheme:light dark;font-family:system-ui,"Segoe UI",Arial,sans-serif}' +
    '.assistant-chat__bar{display:flex;justify-content:flex-end;padding:.4rem;border-bottom:1px solid #D1D1D1;background:#FFFFFF}' +
    '.assistant-chat__new{font:inherit;font-size:.9rem;padding:.35rem .8rem;border:1px solid #0063B1;border-radius:4px;background:#FFFFFF;color:#0063B1;cursor:pointer}' +
    '.assistant-chat__new:hover{background:#E8F1FB}' +
    '.assistant-chat__new:focus-visible{outline:3px solid #1B1B1B;outline-offset:2px}' +
    '.assistant-chat__alert{margin:.8rem;padding:.8rem;border:1px solid #A80000;border-radius:4px;background:#FDE7E9;color:#1B1B1B}' +
    '.assistant-chat__alert:empty{display:none}' +
    '.assistant-chat__alert code{font-weight:600}' +
    '.assistant-chat__announce{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}' +
    '.assistant-chat__webchat{flex:1;min-height:0}' +
    '@media (prefers-color-scheme: dark){' +
    '.assistant-chat__bar{border-bottom-color:#474747;background:#1E1E1E}' +
    '.assistant-chat__new{border-color:#6CB8F6;background:#1E1E1E;color:#DCEEFD}' +
    '.assistant-chat__new:hover{background:#2B2B2B}' +
    '.assistant-chat__new:focus-visible{outline-color:#F2F2F2}' +
    '.assistant-chat__alert{border-color:#F1707B;background:#3B1A1D;color:#F2F2F2}' +
    // Web Chat 4.18 styles its citation list and link icon for light backgrounds only.
    '.assistant-chat .assistant-chat__webchat .webchat__link-definitions .webchat__link-definitions__header{color:#C8C8C8}' +
    '.assistant-chat .assistant-chat__webchat .webchat__link-definitions .webchat__link-definitions__list-item-box{background-color:#1E1E1E;border-color:#5C5C5C}' +
    '.assistant-chat .assistant-chat__webchat .webchat__link-definitions .webchat__link-definitions__badge{background-color:#1E1E1E;border-color:#8F8F8F;color:#F2F2F2}' +
    '.assistant-chat .assistant-chat__webchat .webchat__render-markdown__external-link-icon{filter:invert(1)}' +
    // Adaptive Card buttons (a talking-point check's "How this changed") are white with accent text in Web Chat 4.18.
    '.assistant-chat .assistant-chat__webchat .webchat__adaptive-card-renderer .ac-pushButton{background-color:#1E1E1E;color:#DCEEFD;border-color:#6CB8F6}' +
    // The citation pop-up (the quote behind a [n]) is white in Web Chat 4.18 whatever the scheme.
    '.assistant-chat .assistant-chat__webchat .webchat__modal-dialog .webchat__modal-dialog__box{background-color:#1E1E1E;color:#F2F2F2;box-shadow:0 0 0 1px #5C5C5C}' +
    '.assistant-chat .assistant-chat__webchat .webchat__modal-dialog .webchat__modal-dialog__box a{color:#6CB8F6}' +
    '.assistant-chat .assistant-chat__webchat .webchat__modal-dialog .webchat__modal-dialog__close-button{color:#F2F2F2;background-color:transparent;border-color:#8F8F8F}' +
    '.assistant-chat .assistant-chat__webchat .webchat__modal-dialog .webchat__modal-dialog__close-button svg,.assistant-chat .assistant-chat__webchat .webchat__modal-dialog .webchat__modal-dialog__close-button path{fill:#F2F2F2}}';
  document.head.appendChild(css);

  var bar = element('div', 'assistant-chat__bar');
  var newButton = element('button', 'assistant-chat__new', 'New conversation');
  newButton.type = 'button';
  newButton.title = 'Start a new conversation: clears the transcript';
  bar.appendChild(newButton);
  var alertBox = element('div', 'assistant-chat__alert');
  alertBox.setAttribute('role', 'alert');
  var announce = element('div', 'assistant-chat__announce');
  announce.setAttribute('role', 'status');
  target.classList.add('assistant-chat');
  target.replaceChildren(bar, announce, alertBox);

  var current = null; // { directLine, store, host, userId } of the conversation on screen
  var starting = false;

  function render() {
    if (!current) return;
    window.WebChat.renderWebChat({
      directLine: current.directLine,
      store: current.store,
      userID: current.userId,
      locale: 'en-US',
      styleOptions: styleOptions()
    }, current.host);
  }

  // Each conversation gets its own element and store: the old transcript leaves with them.
  function start() {
    if (starting) return;
    starting = true;
    var restarted = current !== null;
    announce.textContent = '';
    if (current) {
      current.directLine.end();
      current.host.remove();
      current = null;
    }
    alertBox.textContent = '';
    // Direct Line reserves ids that start with "dl_" for the ones it makes up itself.
    var userId = 'user-' + Math.random().toString(36).slice(2, 12);
    fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: { id: userId } }) })
      .then(function (r) {
        if (!r.ok) throw new Error('token request failed: ' + r.status);
        return r.json();
      })
      .then(function (t) {
        var host = element('div', 'assistant-chat__webchat');
        target.appendChild(host);
        var directLine = window.WebChat.createDirectLine({ token: t.token, domain: domain, webSocket: false });
        current = { directLine: directLine, store: window.WebChat.createStore(), host: host, userId: userId };
        directLine.connectionStatus$.subscribe(function (status) {
          if (status === FAILED_TO_CONNECT && current && current.directLine === directLine) explain(new TypeError('the conversation could not be reached'), domain);
        });
        render();
        // Screen readers hear the new start; the first one needs no announcement.
        if (restarted) announce.textContent = 'New conversation started.';
      })
      .catch(function (e) { explain(e, tokenUrl); })
      .then(function () { starting = false; });
  }

  // A page cannot tell a CORS refusal from a host that is down: both are a TypeError. A no-cors request can:
  // it reaches a running host whatever the origin, so the host is up and refused this page's origin.
  function explain(error, url) {
    var page = window.location.origin;
    var called = new URL(url, window.location.href).origin;
    if (!(error instanceof TypeError) || called !== origin || page === origin) {
      showUnreachable(error);
      return;
    }
    fetch(origin + '/webchat/embed.js', { mode: 'no-cors', cache: 'no-store' })
      .then(function () { showOriginRefused(page); }, function () { showUnreachable(error); });
  }

  function showUnreachable(error) {
    alertBox.textContent = 'The assistant is not reachable right now (' + error.message + '). Try again later.';
  }

  function showOriginRefused(page) {
    alertBox.replaceChildren(
      document.createTextNode('This page\'s origin, ' + page + ', is not allowed to use the assistant at ' + origin +
        '. Ask the assistant\'s administrator to add it to the host\'s '),
      element('code', '', 'Cors__AllowedOrigins__N'),
      document.createTextNode(' setting (for example '),
      element('code', '', 'Cors__AllowedOrigins__0=' + page),
      document.createTextNode(') and restart the host.'));
  }

  newButton.addEventListener('click', start);
  if (darkQuery) darkQuery.addEventListener('change', render);
  window.AssistantChat = { newConversation: start };
  start();
})();
