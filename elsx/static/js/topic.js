/* Topic block: opens sections, submits the knowledge check, saves the reflection, sends heartbeats. */
function ElsxTopic(runtime, element, args) {
  "use strict";
  var common = window.ElsxCommon;
  var root = common.domElement(element).querySelector(".elsx-topic") || common.domElement(element);
  var handlerElement = common.domElement(element);
  var gettext = window.gettext || function (text) { return text; };
  var readLabel = (args && args.readLabel) || gettext("Read");
  var busy = false;

  var readingLabel = (args && args.readingLabel) || gettext("Reading");

  function markRead(id) {
    var details = root.querySelector('details.elsx-section[data-section-id="' + id + '"]');
    if (details) { details.setAttribute("data-viewed", "true"); }
    var mark = common.region(root, "read-" + id);
    if (mark) { mark.innerHTML = '<span aria-hidden="true">✓</span> '; mark.appendChild(document.createTextNode(readLabel)); }
  }

  function apply(body) {
    common.fill(root, "status", body.status_html);
    common.fill(root, "checklist", body.checklist_html);
    if (body.time_html) { common.fill(root, "time", body.time_html); }
    (body.sections_viewed || []).forEach(markRead);
    common.announceProgress();
  }

  function send(handler, data, onDone) {
    if (busy) { return; }
    busy = true;
    common.clearError(root);
    common.post(runtime, handlerElement, handler, data).then(function (reply) {
      busy = false;
      if (!reply.ok) { common.showError(root, reply.body.error); return; }
      apply(reply.body);
      if (onDone) { onDone(reply.body); }
    }, function () {
      busy = false;
      common.showError(root, null);
    });
  }

  Array.prototype.forEach.call(root.querySelectorAll("details.elsx-section"), function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.getAttribute("data-viewed") === "true") { return; }
      var id = details.getAttribute("data-section-id");
      send("view_section", {section: id}, function (body) {
        // Read at once only where no reading time is asked for; else heartbeats make it read.
        var mark = common.region(root, "read-" + id);
        if ((body.sections_viewed || []).indexOf(id) < 0 && mark) { mark.textContent = readingLabel; }
      });
    });
  });

  var check = common.region(root, "check");
  check.addEventListener("submit", function (event) {
    event.preventDefault();
    var answers = {};
    Array.prototype.forEach.call(check.querySelectorAll("fieldset[data-question-id]"), function (fieldset) {
      var chosen = fieldset.querySelector("input[type=radio]:checked");
      if (chosen) { answers[fieldset.getAttribute("data-question-id")] = chosen.value; }
    });
    send("submit_check", {answers: answers}, function (body) {
      Object.keys(body.feedback_html || {}).forEach(function (qid) {
        common.fill(root, "feedback-" + qid, body.feedback_html[qid]);
      });
      var result = common.fill(root, "result", body.result_html);
      if (result) { result.focus(); }
    });
  });

  var reflection = common.region(root, "reflection");
  var textarea = reflection.querySelector("textarea");
  var counter = common.region(root, "count");
  function count() { if (counter) { counter.textContent = "(" + textarea.value.length + ")"; } }
  textarea.addEventListener("input", count);
  count();
  reflection.addEventListener("submit", function (event) {
    event.preventDefault();
    send("save_reflection", {text: textarea.value}, function (body) {
      var saved = common.fill(root, "saved", body.saved_html);
      if (saved) { saved.focus(); }
    });
  });

  window.ElsxEngagement.configure(((args && args.heartbeatSeconds) || 30) * 1000,
                                  ((args && args.idleSeconds) || 300) * 1000);
  window.ElsxEngagement.register({root: root, beat: heartbeat});

  function heartbeat() {
    var open = root.querySelector("details.elsx-section[open]");
    var data = {sent_at: Date.now()};
    if (open) { data.section = open.getAttribute("data-section-id"); }
    common.post(runtime, handlerElement, "heartbeat", data).then(function (reply) {
      if (!reply.ok) { return; }
      if (reply.body.status_html) { apply(reply.body); } else if (reply.body.time_html) { common.fill(root, "time", reply.body.time_html); }
      (reply.body.sections_read || []).forEach(markRead);
    }, function () { /* offline: the next beat is credited for the time since the last one that arrived */ });
  }
}

/* One heartbeat per period for the whole page (docs/engagement.md): only while the page is visible and the
   learner used keyboard, pointer, scroll or touch within the idle cutoff, or media plays; sent by the topic
   most in view, so a page showing all ten topics credits the one being read. */
window.ElsxEngagement = window.ElsxEngagement || (function () {
  "use strict";
  var topics = [], timer = null, lastInput = Date.now();
  var config = {period: 30000, idle: 300000};
  function noteInput() { lastInput = Date.now(); }
  ["keydown", "pointerdown", "pointermove", "wheel", "scroll", "touchstart"].forEach(function (name) {
    document.addEventListener(name, noteInput, {passive: true, capture: true});
  });
  function mediaPlaying() {
    return Array.prototype.some.call(document.querySelectorAll(".elsx-topic video, .elsx-topic audio"),
      function (media) { return !media.paused && !media.ended; });
  }
  function shown(topic) {
    var box = topic.root.getBoundingClientRect();
    return Math.max(0, Math.min(box.bottom, window.innerHeight) - Math.max(box.top, 0));
  }
  function active() {
    return document.visibilityState === "visible" && (Date.now() - lastInput <= config.idle || mediaPlaying());
  }
  function tick() {
    if (!active() || !topics.length) { return; }
    var best = topics.reduce(function (a, b) { return shown(b) > shown(a) ? b : a; });
    if (shown(best) > 0) { best.beat(); }
  }
  return {
    register: function (topic) {
      topics.push(topic);
      if (!timer) { timer = window.setInterval(tick, config.period); }
    },
    configure: function (period, idle) {
      config.period = period; config.idle = idle;
      if (timer) { window.clearInterval(timer); timer = window.setInterval(tick, config.period); }
    },
    active: active,
    tick: tick
  };
}());
