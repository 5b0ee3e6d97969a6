"""Word lists for the synthetic corpus: VR domain terms, patent boilerplate, Zipfian long tails."""

from __future__ import annotations

import random

# Patent boilerplate: the most frequent words of an English patent text, in rank order.
EN_FUNCTION = (
    "the a of and to in said is for with first second an which wherein by at from on be as "
    "or that are configured unit one each based least plurality comprising further when between "
    "more than according into device method system"
).split()
# VR domain terms; several are multi-word so that phrases really occur in the text.
EN_DOMAIN = [
    "display", "image", "user", "light", "lens", "optical", "virtual", "data", "signal", "module",
    "head mounted display", "eye tracking", "field of view", "virtual reality", "augmented reality",
    "mixed reality", "waveguide", "controller", "camera", "sensor", "frame", "pixel", "rendering",
    "headset", "position", "object", "scene", "content", "gesture", "hand", "tracking", "pose",
    "projector", "grating", "coupler", "pupil", "eyebox", "micro display", "pancake lens",
    "freeform prism", "foveated rendering", "haptic feedback", "inertial measurement unit",
    "depth camera", "point cloud", "spatial audio", "panoramic video", "light field", "avatar",
    "latency", "reprojection", "time warp", "frame rate", "shader", "GPU", "processor", "memory",
    "OLED", "LCoS", "microLED", "birdbath", "diffractive", "holographic", "polarizer", "retina",
    "vergence", "accommodation", "varifocal", "occlusion", "passthrough", "see through",
    "simultaneous localization and mapping", "six degrees of freedom", "hand tracking",
    "facial expression", "motion capture", "cloud rendering", "streaming", "encoder", "decoder",
    "bitstream", "viewport", "omnidirectional", "stereoscopic", "binocular", "interpupillary distance",
    "optical axis", "refractive index", "reflective surface", "beam splitter", "collimator",
    "infrared", "illumination", "photodetector", "actuator", "vibration", "glove", "handle",
    "battery", "housing", "strap", "cushion", "heat dissipation", "wireless", "antenna",
]
# Chinese VR domain words (several segment into two or more words: phrase queries).
ZH_DOMAIN = [
    "显示", "图像", "用户", "光线", "透镜", "光学", "虚拟", "数据", "信号", "模组",
    "头戴式显示器", "眼动追踪", "视场角", "虚拟现实", "增强现实", "混合现实", "光波导", "控制器",
    "摄像头", "传感器", "画面", "像素", "渲染", "头显", "位置", "对象", "场景", "内容", "手势",
    "手柄", "追踪", "姿态", "投影", "光栅", "耦合", "瞳孔", "眼盒", "微显示器", "折叠光路",
    "自由曲面", "注视点渲染", "触觉反馈", "惯性测量单元", "深度相机", "点云", "空间音频",
    "全景视频", "光场", "虚拟人", "时延", "重投影", "帧率", "着色器", "图形处理器", "处理器",
    "存储器", "近眼显示", "光学模组", "衍射", "全息", "偏振片", "视网膜", "辐辏调节", "变焦",
    "遮挡", "视频透视", "光学透视", "同步定位与建图", "六自由度", "手部追踪", "面部表情",
    "动作捕捉", "云渲染", "流媒体", "编码", "解码", "码流", "视口", "立体显示", "双目", "瞳距",
    "光轴", "折射率", "反射面", "分束器", "准直", "红外", "照明", "光电探测器", "执行器", "振动",
    "手套", "电池", "壳体", "头带", "散热", "无线", "天线",
]
ZH_FUNCTION = (
    "一种 所述 包括 其中 装置 方法 用于 第一 第二 设置 连接 根据 通过 获取 确定 以及 模块 单元 "
    "进行 形成 相对 位于 之间 多个 至少 具有 对应 实现 提高 降低 发明 公开 系统 结构 组件"
).split()
# Common characters for the Chinese filler words (the long tail jieba sees in real claims).
ZH_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
    "象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研质信"
)
APPLICANT_HEADS = [
    "Huawei", "Sony", "Meta Platforms", "Apple", "Samsung Electronics", "Microsoft", "Google",
    "Magic Leap", "BOE Technology", "Goertek", "Pico Technology", "HTC", "Qualcomm", "LG Display",
    "Canon", "Seiko Epson", "Nvidia", "Tencent", "ByteDance", "Xiaomi", "OPPO", "vivo", "Lenovo",
    "Sharp", "Panasonic", "Valve", "Snap", "Vuzix", "Lumus", "DigiLens", "Intel", "Nokia",
    "Ericsson", "ZTE", "China Mobile", "Beijing Institute of Technology", "Zhejiang University",
    "Tsinghua University", "Peking University", "ETRI",
]
STANDARD_BODIES_EN = ["ISO", "IEC", "IEEE", "ITU-T", "3GPP", "MPEG", "Khronos"]
STANDARD_BODIES_ZH = ["SAC", "CCSA", "MIIT"]
PATENT_OFFICES_EN = [("US", 40), ("EP", 18), ("WO", 15), ("JP", 10), ("KR", 10), ("GB", 4), ("DE", 3)]
CPC_HEADS = [
    "G02B27/0172", "G02B27/0101", "G06F3/011", "G06F3/013", "G06F3/017", "G06T19/006", "G06T15/005",
    "H04N13/344", "H04N13/332", "G02B6/0016", "G06T7/70", "H04N21/81", "G09G3/003", "A63F13/212",
]
TECHS = ["near_eye_display", "perception_interaction", "rendering_computation", "content_production"]
FORMS = ["vr", "ar", "mr"]
SUBTOPICS = [
    "near_eye_optical_module", "micro_display", "pancake_optics", "waveguide", "eye_tracking",
    "six_dof_tracking", "face_body_gesture_recognition", "haptics", "foveated_rendering",
    "cloud_split_rendering", "panoramic_video", "virtual_human_avatar", "immersive_video_coding",
    "motion_facial_capture", "light_field_capture",
]
_SYLLABLES = (
    "ka ro mi te lu sa no vi da pe zo ri fa gu ne tra chi pli sto bre qua lom dex vor nim sel "
    "tar pon gry fen mal cus hul rix ban"
).split()


def pseudo_words(n: int, seed: int) -> list[str]:
    """n distinct made-up English-looking words (the Zipfian long tail), deterministic."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        out.setdefault(word, None)
    return list(out)


def pseudo_zh_words(n: int, seed: int) -> list[str]:
    """n distinct two- or three-character Chinese filler words, deterministic."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        out.setdefault("".join(rng.choice(ZH_CHARS) for _ in range(rng.choice((2, 2, 3)))), None)
    return list(out)


def applicant_names(n: int, seed: int) -> list[str]:
    """n applicant names: well-known VR companies first, then made-up firms."""
    rng = random.Random(seed)
    suffixes = ["Co., Ltd.", "Inc.", "Corporation", "GmbH", "Technology Co., Ltd.", "University", "Labs"]
    names = list(APPLICANT_HEADS)
    for word in pseudo_words(n, seed + 1):
        if len(names) >= n:
            break
        names.append(f"{word.capitalize()} {rng.choice(suffixes)}")
    return names


def cpc_codes(n: int, seed: int) -> list[str]:
    """n CPC-like codes, the common VR ones first."""
    rng = random.Random(seed)
    out: dict[str, None] = dict.fromkeys(CPC_HEADS)
    classes = ["G02B", "G06F", "G06T", "H04N", "G09G", "A63F", "H04L", "G06V", "H04S", "G01S"]
    while len(out) < n:
        out.setdefault(f"{rng.choice(classes)}{rng.randint(1, 40)}/{rng.randint(0, 999):03d}", None)
    return list(out)
