// Skin photos, improved: the photo is scaled in the browser to at most 1600 px before it is sent (a few hundred
// KB instead of several MB over a phone's connection), and its preview shows the last photo of the same view
// faintly over it, to line the face up the same way. Without this file each form sends the photo as taken
// and the server scales it. Everything is drawn on canvases from the chosen file and a same-site thumbnail:
// no blob: or data: URL, so the page's CSP needs nothing more.
(function () {
  "use strict";
  var LONGEST_SIDE = 1600;
  var OVERLAY_OPACITY = 0.35;
  var PREVIEW_WIDTH = 640;
  if (!window.createImageBitmap || !window.DataTransfer || !window.File || !HTMLCanvasElement.prototype.toBlob) {
    return;
  }

  function scaledCanvas(bitmap) {
    var scale = Math.min(1, LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return canvas;
  }

  function drawPreview(preview, photo, previous) {
    var width = Math.min(PREVIEW_WIDTH, photo.width);
    preview.width = width;
    preview.height = Math.round(photo.height * width / photo.width);
    var context = preview.getContext("2d");
    context.drawImage(photo, 0, 0, preview.width, preview.height);
    if (previous && previous.complete && previous.naturalWidth) {
      context.globalAlpha = OVERLAY_OPACITY;
      context.drawImage(previous, 0, 0, preview.width, preview.height);
      context.globalAlpha = 1;
    }
    preview.hidden = false;
  }

  document.querySelectorAll("form.photo-upload").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var button = form.querySelector("button[type=submit]");
    var previous = null;
    if (form.dataset.previous) {
      previous = new Image();
      previous.src = form.dataset.previous;
    }
    var preview = document.createElement("canvas");
    preview.className = "photo-preview";
    preview.hidden = true;
    preview.setAttribute("role", "img");
    preview.setAttribute("aria-label", previous ? "The new photo, with your last one faintly over it" : "The new photo");
    input.closest(".field").after(preview);
    var scaled = null;
    var pending = null;

    input.addEventListener("change", function () {
      scaled = null;
      var file = input.files && input.files[0];
      if (!file) {
        preview.hidden = true;
        pending = null;
        return;
      }
      // createImageBitmap turns the photo upright from its EXIF orientation; the canvas keeps no metadata.
      pending = createImageBitmap(file)
        .then(function (bitmap) {
          var canvas = scaledCanvas(bitmap);
          if (bitmap.close) { bitmap.close(); }
          drawPreview(preview, canvas, previous);
          return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.9); });
        })
        .then(function (blob) {
          if (blob && input.files[0] === file) {
            scaled = new File([blob], "photo.jpg", { type: "image/jpeg" });
          }
        })
        .catch(function () {
          scaled = null; // a format this browser cannot draw (HEIC outside Safari): sent as it is
        });
    });

    form.addEventListener("submit", function (event) {
      if (!pending) { return; }
      event.preventDefault();
      button.disabled = true;
      pending.then(function () {
        if (scaled) {
          var files = new DataTransfer();
          files.items.add(scaled);
          input.files = files.files;
        }
        pending = null;
        form.submit();
      });
    });
  });
})();
