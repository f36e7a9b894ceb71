// Draws the process diagrams of this site in the reader's browser with the
// Mermaid renderer shipped beside this script (vendor/mermaid.min.js, fetched
// by scripts/mermaid when the site is built), so no request leaves the
// reader's machine: the site reads the same on an intranet or offline.
//
// A diagram is a <div class="kwflow-diagram"> holding Mermaid text (the
// ```mermaid blocks of the process pages). Material's own Mermaid support is
// not used because it loads the renderer from a CDN. A big process shrunk
// into the text column is unreadable, so each drawing fits the column as an
// overview, a click on it shows it at its natural size (the box then scrolls
// sideways; another click shrinks it back), and a link opens it full size in
// a new tab (a blob: address, made here, not fetched).
(function () {
  "use strict";
  var script = document.currentScript;
  var renderer = new URL("vendor/mermaid.min.js", script.src).href;
  var words = {
    cs: {
      open: "Otevřít diagram v plné velikosti",
      zoom: "Kliknutím zvětšíte nebo zmenšíte",
      failed: "Diagram se nepodařilo vykreslit: ",
    },
    en: {
      open: "Open the diagram full size",
      zoom: "Click to zoom in or out",
      failed: "The diagram could not be drawn: ",
    },
  };
  var loading = null;

  function say(key) {
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    return (words[lang] || words.en)[key];
  }

  function load() {
    // The renderer is large; only pages with a diagram load it.
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = renderer;
        tag.onload = resolve;
        tag.onerror = function () { reject(new Error("cannot load " + renderer)); };
        document.head.appendChild(tag);
      }).then(function () {
        var dark = document.body.getAttribute("data-md-color-scheme") === "slate";
        window.mermaid.initialize({
          startOnLoad: false,
          securityLevel: "strict",
          theme: dark ? "dark" : "default",
          // The drawing keeps its natural width; the stylesheet fits it to the
          // column until the reader zooms in.
          state: { useMaxWidth: false },
        });
        return window.mermaid;
      });
    }
    return loading;
  }

  function fullSizeLink(svg) {
    // Serialised from the DOM, so the labels' HTML (<br>) becomes well-formed
    // XML that the browser opens as an image.
    var xml = new XMLSerializer().serializeToString(svg);
    var link = document.createElement("a");
    link.className = "kwflow-diagram-full";
    link.textContent = say("open");
    link.target = "_blank";
    link.href = URL.createObjectURL(new Blob([xml], { type: "image/svg+xml" }));
    return link;
  }

  function zoomable(block) {
    block.title = say("zoom");
    block.addEventListener("click", function () {
      block.classList.toggle("kwflow-diagram-zoomed");
    });
  }

  function draw() {
    var blocks = document.querySelectorAll("div.kwflow-diagram:not([data-drawn])");
    if (!blocks.length) return;
    load().then(function (mermaid) {
      blocks.forEach(function (block, index) {
        var text = block.textContent;
        block.setAttribute("data-drawn", "");
        mermaid.render("kwflow-diagram-" + index, text).then(function (result) {
          block.innerHTML = result.svg;
          zoomable(block);
          block.parentNode.insertBefore(fullSizeLink(block.querySelector("svg")), block.nextSibling);
        }, function (error) {
          block.setAttribute("data-failed", "");
          block.insertBefore(document.createTextNode(say("failed") + error.message + "\n"), block.firstChild);
        });
      });
    });
  }

  if (window.document$) {
    window.document$.subscribe(draw);  // Material's page-change stream
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
