/* Progress block: refreshes itself when a topic on the same page changes. Beside a single topic
   (a topic's own page) it is a compact summary: this topic's state, with the full list
   behind a disclosure, so the topic title is on the first screen and no list shows twice. */
function ElsxProgress(runtime, element) {
  "use strict";
  var common = window.ElsxCommon;
  var node = common.domElement(element);
  var root = node.querySelector(".elsx-progress") || node;
  var opened = false;

  function compact() {
    var topics = document.querySelectorAll(".elsx-topic");
    var all = common.region(root, "all-topics");
    if (topics.length !== 1 || !all) { return; }
    all.open = opened;
    all.addEventListener("toggle", function () { opened = all.open; });
    var id = topics[0].getAttribute("data-topic-id");
    var badge = root.querySelector('li[data-topic-id="' + id + '"] .elsx-badge');
    var line = common.region(root, "this-topic");
    if (badge && line) {
      var slot = common.region(root, "this-topic-state");
      slot.textContent = "";
      slot.appendChild(badge.cloneNode(true));
      line.hidden = false;
    }
  }

  document.addEventListener("elsx:progress", function () {
    common.post(runtime, node, "refresh", {}).then(function (reply) {
      if (reply.ok) { common.fill(root, "body", reply.body.html); compact(); }
    });
  });
  compact();
}
